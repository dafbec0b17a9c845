using CloudWg.Protocol.Json;
using CloudWg.Protocol.Jws;
using CloudWg.Protocol.Messages;
using CloudWg.Protocol.Validation;

namespace CloudWg.Protocol.Acceptance;

/// <summary>
/// The whole DESIGN §1/§4 gate for an inbound desired state, in one pure call shared by the queue consumer, the
/// blob fetch, the pull fallback and <c>apply --file</c>: verify against the pinned keys, optionally match the
/// announced hash, read strictly, apply the acceptance rule, and validate what would be applied. Never throws on
/// bad input; every rejection names the <see cref="RejectionCounters"/> key to count it under.
/// </summary>
public static class DesiredStateIntake
{
    /// <param name="verifier">Verifier over the pinned trust bundle.</param>
    /// <param name="compact">The JWS as received (queue message, blob, HTTP body or file).</param>
    /// <param name="myNodeId">This node's id.</param>
    /// <param name="lastAppliedVersion">The version applied last, or null.</param>
    /// <param name="expectedSha256">The <c>sha256</c> announced by a <see cref="QueueNotification"/> when the JWS
    /// came from the blob; null to skip the check.</param>
    public static IntakeResult Evaluate(
        JwsVerifier verifier,
        string compact,
        string myNodeId,
        long? lastAppliedVersion,
        string? expectedSha256 = null)
    {
        ArgumentNullException.ThrowIfNull(verifier);
        ArgumentException.ThrowIfNullOrEmpty(myNodeId);

        var verification = verifier.Verify(compact, JwsTypes.DesiredState);
        if (!verification.IsValid)
        {
            return Reject(RejectionCounters.KeyFor(verification.Reason.Value), verification.Detail);
        }

        var payload = verification.Payload;
        if (expectedSha256 is not null && !string.Equals(ContentHash.Sha256Hex(payload), expectedSha256, StringComparison.OrdinalIgnoreCase))
        {
            return Reject(RejectionCounters.HashMismatch, "The signed document's SHA-256 differs from the announced one.");
        }

        DesiredStates.DesiredState state;
        try
        {
            state = CanonicalJson.Deserialize(payload);
        }
        catch (ProtocolJsonException e)
        {
            var key = e.Error == ProtocolJsonError.UnknownSchema
                ? RejectionCounters.KeyFor(RejectReason.UnknownSchema)
                : RejectionCounters.KeyFor(e.Error);
            return Reject(key, e.Message);
        }

        var decision = AcceptanceRule.Decide(state, myNodeId, lastAppliedVersion);
        if (decision.Outcome == AcceptanceOutcome.Reject)
        {
            var reason = decision.Reason!.Value;
            return Reject(RejectionCounters.KeyFor(reason), reason switch
            {
                RejectReason.OtherNode => $"The document is for node '{state.NodeId}'.",
                RejectReason.OlderVersion => $"Version {state.Version} is older than the applied version {lastAppliedVersion}.",
                _ => $"Schema {state.Schema} is not supported.",
            });
        }

        if (decision.Outcome == AcceptanceOutcome.NoOp)
        {
            return new IntakeResult(AcceptanceOutcome.NoOp, state, payload, null, $"Version {state.Version} is already applied.", []);
        }

        var errors = DesiredStateValidator.Validate(state);
        if (errors.Count > 0)
        {
            return new IntakeResult(
                AcceptanceOutcome.Reject, null, null, RejectionCounters.InvalidDocument,
                $"Version {state.Version} is signed but invalid: {errors[0]}", errors);
        }

        return new IntakeResult(AcceptanceOutcome.Apply, state, payload, null, $"Version {state.Version} accepted.", []);
    }

    private static IntakeResult Reject(string key, string detail) => new(AcceptanceOutcome.Reject, null, null, key, detail, []);
}

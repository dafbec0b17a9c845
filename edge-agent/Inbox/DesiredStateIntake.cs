using CloudWg.EdgeAgent.Enrollment;
using CloudWg.EdgeAgent.Reconcile;
using CloudWg.EdgeAgent.State;
using CloudWg.Protocol;
using CloudWg.Protocol.Acceptance;
using CloudWg.Protocol.DesiredStates;
using CloudWg.Protocol.Json;
using CloudWg.Protocol.Jws;
using CloudWg.Protocol.Messages;
using CloudWg.Protocol.Validation;
using Microsoft.Extensions.Logging;

namespace CloudWg.EdgeAgent.Inbox;

/// <summary>
/// The one gate every desired state passes, whatever brought it (queue, blob, pull, <c>apply --file</c>):
/// signature against the pinned trust bundle, payload hash, strict JSON, validation, then the acceptance
/// rule (own node id, newer version). Accepted documents are cached and handed to the reconciler; anything
/// else is counted by reason and nothing is applied.
/// </summary>
public sealed class DesiredStateIntake(
    AgentStateStore store,
    NodeIdentityStore identity,
    ReconcileSignal signal,
    TimeProvider time,
    ILogger<DesiredStateIntake> logger)
{
    private readonly Lock gate = new();

    /// <param name="expectedSha256">The notification's hash of the payload, when the document came with one.</param>
    public IntakeResult Offer(string compactJws, string source, string? expectedSha256 = null, int maxLength = JwsVerifier.DefaultMaxLength)
    {
        lock (gate)
        {
            var result = Evaluate(compactJws, source, expectedSha256, maxLength);
            if (result.Outcome == IntakeOutcome.Rejected)
            {
                store.CountRejection(result.Reason!, $"{source}: {result.Detail}", time.GetUtcNow());
                logger.LogWarning("Rejected a desired state from {Source}: {Reason} ({Detail})", source, result.Reason, result.Detail);
            }
            else if (result.Outcome == IntakeOutcome.Accepted)
            {
                logger.LogInformation("Accepted desired state version {Version} from {Source}", result.Document!.Version, source);
                signal.Notify(result.Document);
            }

            return result;
        }
    }

    /// <summary>Counts a rejection found before a document could be offered (e.g. an unreadable queue message).</summary>
    public void CountRejection(string reason, string detail)
    {
        store.CountRejection(reason, detail, time.GetUtcNow());
        logger.LogWarning("Rejected an inbound message: {Reason} ({Detail})", reason, detail);
    }

    private IntakeResult Evaluate(string compactJws, string source, string? expectedSha256, int maxLength)
    {
        var enrollment = identity.GetEnrollment();
        var bundle = identity.GetTrustBundle();
        if (enrollment is null || bundle is null)
        {
            return IntakeResult.Rejected(RejectionKeys.NotEnrolled, "this node has no pinned trust bundle; enroll it first.");
        }

        var verification = new JwsVerifier(bundle, maxLength).Verify(compactJws, JwsTypes.DesiredState);
        if (!verification.IsValid)
        {
            return IntakeResult.Rejected(RejectionCounters.KeyFor(verification.Reason!.Value), verification.Detail ?? verification.Reason.ToString()!);
        }

        var payload = verification.Payload!;
        var sha256 = ContentHash.Sha256Hex(payload);
        if (expectedSha256 is not null && !string.Equals(expectedSha256, sha256, StringComparison.Ordinal))
        {
            return IntakeResult.Rejected(RejectionCounters.HashMismatch, $"payload hash {sha256} differs from the notification's {expectedSha256}.");
        }

        DesiredState document;
        try
        {
            document = CanonicalJson.Deserialize(payload);
        }
        catch (ProtocolJsonException e)
        {
            return IntakeResult.Rejected(RejectionCounters.KeyFor(e.Error), e.Message);
        }
        catch (System.Text.Json.JsonException e)
        {
            return IntakeResult.Rejected(RejectionCounters.InvalidDocument, e.Message);
        }

        var last = store.GetLastAcceptedVersion();
        var decision = AcceptanceRule.Decide(document, enrollment.NodeId, last == 0 ? null : last);
        if (decision.Outcome == AcceptanceOutcome.Reject)
        {
            var detail = decision.Reason switch
            {
                RejectReason.OtherNode => $"document is for node {document.NodeId}, not {enrollment.NodeId}.",
                RejectReason.OlderVersion => $"version {document.Version} is older than the accepted {last}.",
                _ => $"schema {document.Schema} is not {ProtocolInfo.CurrentSchema}.",
            };
            return IntakeResult.Rejected(RejectionCounters.KeyFor(decision.Reason!.Value), detail);
        }

        if (decision.Outcome == AcceptanceOutcome.NoOp)
        {
            return new IntakeResult(IntakeOutcome.Duplicate, document);
        }

        if (DesiredStateValidator.Validate(document) is { Count: > 0 } errors)
        {
            return IntakeResult.Rejected(RejectionCounters.InvalidDocument, string.Join("; ", errors.Take(5).Select(e => $"{e.Path} {e.Message}")));
        }

        store.SaveAccepted(new StoredDesiredState(document.Version, document.NodeId, compactJws, System.Text.Encoding.UTF8.GetString(payload), sha256, source, time.GetUtcNow()));
        store.SetLastAcceptedVersion(document.Version);
        return new IntakeResult(IntakeOutcome.Accepted, document);
    }
}

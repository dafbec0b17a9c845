using CloudWg.Protocol.DesiredStates;

namespace CloudWg.Protocol.Acceptance;

/// <summary>
/// DESIGN §4: a node applies a desired state only when it is for this node, of a known schema, and newer than what
/// it applied last. Pure; call it only after the JWS verified against the pinned trust bundle.
/// </summary>
public static class AcceptanceRule
{
    /// <param name="verified">A document whose signature has already been verified.</param>
    /// <param name="myNodeId">This node's id (from enrollment).</param>
    /// <param name="lastAppliedVersion">The version last applied, or null when nothing has been applied yet.</param>
    public static AcceptanceDecision Decide(DesiredState verified, string myNodeId, long? lastAppliedVersion)
    {
        ArgumentNullException.ThrowIfNull(verified);
        ArgumentException.ThrowIfNullOrEmpty(myNodeId);

        // Schema first: in an unknown schema even nodeId and version might mean something else.
        if (verified.Schema != ProtocolInfo.CurrentSchema)
        {
            return AcceptanceDecision.Reject(RejectReason.UnknownSchema);
        }

        if (!string.Equals(verified.NodeId, myNodeId, StringComparison.Ordinal))
        {
            return AcceptanceDecision.Reject(RejectReason.OtherNode);
        }

        if (lastAppliedVersion is { } last)
        {
            if (verified.Version < last)
            {
                return AcceptanceDecision.Reject(RejectReason.OlderVersion);
            }

            if (verified.Version == last)
            {
                return AcceptanceDecision.NoOp;
            }
        }

        return AcceptanceDecision.Apply;
    }
}

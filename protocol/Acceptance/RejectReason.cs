namespace CloudWg.Protocol.Acceptance;

/// <summary>Why a correctly signed desired state is still not applied.</summary>
public enum RejectReason
{
    /// <summary>Addressed to another node (a misrouted or replayed message).</summary>
    OtherNode,

    /// <summary>Older than the version already applied (reordered or replayed).</summary>
    OlderVersion,

    /// <summary>A schema this agent does not understand; it must be upgraded.</summary>
    UnknownSchema,
}

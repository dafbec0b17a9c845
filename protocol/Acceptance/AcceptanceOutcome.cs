namespace CloudWg.Protocol.Acceptance;

/// <summary>What the agent does with a verified desired state.</summary>
public enum AcceptanceOutcome
{
    /// <summary>Newer than anything applied: apply it.</summary>
    Apply,

    /// <summary>The version already applied (a duplicate delivery): nothing to do, not an error.</summary>
    NoOp,

    /// <summary>Discard it, count it and report it; see <see cref="RejectReason"/>.</summary>
    Reject,
}

namespace CloudWg.EdgeAgent.Inbox;

/// <summary>What happened to one offered document.</summary>
public enum IntakeOutcome
{
    /// <summary>Verified, for this node, newer: stored and handed to the reconciler.</summary>
    Accepted,

    /// <summary>The version already accepted (a duplicate delivery): nothing to do.</summary>
    Duplicate,

    /// <summary>Rejected, counted under <see cref="IntakeResult.Reason"/>; nothing applied.</summary>
    Rejected,
}

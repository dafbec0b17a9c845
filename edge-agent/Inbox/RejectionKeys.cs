namespace CloudWg.EdgeAgent.Inbox;

/// <summary>Rejection counter keys the agent adds to those of <see cref="CloudWg.Protocol.Messages.RejectionCounters"/>.</summary>
public static class RejectionKeys
{
    /// <summary>A queue message longer than the agent accepts.</summary>
    public const string OversizedMessage = "oversizedMessage";

    /// <summary>A desired-state blob longer than the agent accepts.</summary>
    public const string OversizedBlob = "oversizedBlob";

    /// <summary>The agent has no pinned trust bundle (not enrolled), so nothing can be verified.</summary>
    public const string NotEnrolled = "notEnrolled";
}

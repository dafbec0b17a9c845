namespace CloudWg.EdgeAgent.State;

/// <summary>How many inputs were rejected for one reason, and the most recent one.</summary>
public sealed record RejectionCounter(string Reason, long Count, DateTimeOffset LastAt, string LastDetail);

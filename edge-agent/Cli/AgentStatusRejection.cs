namespace CloudWg.EdgeAgent.Cli;

/// <summary>One rejection counter in <see cref="AgentStatus"/>.</summary>
public sealed record AgentStatusRejection(string Reason, long Count, DateTimeOffset LastAt, string LastDetail);

namespace CloudWg.EdgeAgent.Cli;

/// <summary>One reconcile pass in <see cref="AgentStatus"/>.</summary>
public sealed record AgentStatusReconcile(DateTimeOffset At, long Version, string Trigger, string Outcome, string Detail);

namespace CloudWg.EdgeAgent.State;

/// <summary>One reconcile pass: when, for which version, why, how it ended and what it did.</summary>
/// <param name="Trigger"><c>document</c>, <c>periodic</c> or <c>startup</c>.</param>
/// <param name="Outcome"><c>unchanged</c>, <c>applied</c>, <c>drift-corrected</c> or <c>failed</c>.</param>
public sealed record ReconcileRecord(DateTimeOffset At, long Version, string Trigger, string Outcome, string Detail);

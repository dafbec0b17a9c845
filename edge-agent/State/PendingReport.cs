namespace CloudWg.EdgeAgent.State;

/// <summary>A signed report waiting to be sent to the reports queue.</summary>
public sealed record PendingReport(long Id, DateTimeOffset CreatedAt, string Body);

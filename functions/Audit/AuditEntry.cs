namespace CloudWg.Functions.Audit;

/// <summary>An audit entry as the API returns it.</summary>
public sealed record AuditEntry(string Id, DateTimeOffset At, AuditEvent Event);

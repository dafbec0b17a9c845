namespace CloudWg.Functions.Audit;

public sealed record AuditPage(IReadOnlyList<AuditEntry> Items, string? Continuation);

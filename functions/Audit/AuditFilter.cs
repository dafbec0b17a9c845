namespace CloudWg.Functions.Audit;

/// <summary>Optional filters over the audit log; null members match everything.</summary>
public sealed record AuditFilter(string? Actor = null, string? ActionPrefix = null, string? ResourceType = null, string? NodeId = null);

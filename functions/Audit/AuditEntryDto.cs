namespace CloudWg.Functions.Audit;

/// <summary>An audit entry as <c>GET /api/audit</c> returns it.</summary>
public sealed record AuditEntryDto(
    string Id,
    DateTimeOffset At,
    string Actor,
    string Action,
    string Outcome,
    string? ResourceType,
    string? ResourceId,
    string? NodeId,
    string? ClientAddress,
    string? VersionBefore,
    string? VersionAfter,
    string? Detail)
{
    public static AuditEntryDto From(AuditEntry e) => new(
        e.Id, e.At, e.Event.Actor, e.Event.Action, e.Event.Outcome, e.Event.ResourceType, e.Event.ResourceId, e.Event.NodeId,
        e.Event.ClientAddress, e.Event.VersionBefore, e.Event.VersionAfter, e.Event.Detail);
}

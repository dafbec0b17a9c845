using CloudWg.Functions.Audit;

namespace CloudWg.Functions.Auth;

/// <summary>Records auth events with the client's address; never a password, code or token.</summary>
public sealed class AuthAudit(IAuditLog audit, ClientAddress address)
{
    public Task RecordAsync(HttpContext context, string actor, string action, bool success, string? resourceType = null, string? resourceId = null, string? detail = null, string? versionBefore = null, string? versionAfter = null) =>
        audit.RecordAsync(
            new AuditEvent(actor, action, success ? "success" : "failure", resourceType, resourceId, ClientAddress: address.Of(context), VersionBefore: versionBefore, VersionAfter: versionAfter, Detail: detail),
            context.RequestAborted);
}

namespace CloudWg.Functions.Audit;

/// <summary>One audit entry: who did what to which resource, from where, and the resource version before and after.</summary>
/// <param name="Actor">Admin username, <c>node:&lt;id&gt;</c>, <c>system</c>, or <c>anonymous</c> for failed logins.</param>
/// <param name="Action">Dotted verb, e.g. <c>auth.login.failed</c>, <c>peer.create</c>.</param>
/// <param name="Outcome"><c>success</c> or <c>failure</c>.</param>
/// <param name="Detail">Free text; never secrets or tokens.</param>
public sealed record AuditEvent(
    string Actor,
    string Action,
    string Outcome,
    string? ResourceType = null,
    string? ResourceId = null,
    string? NodeId = null,
    string? ClientAddress = null,
    string? VersionBefore = null,
    string? VersionAfter = null,
    string? Detail = null);

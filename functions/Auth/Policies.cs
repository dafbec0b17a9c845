namespace CloudWg.Functions.Auth;

/// <summary>
/// Authorization policies. Every endpoint names exactly one (or <c>AllowAnonymous</c>); the authorization
/// matrix test enumerates endpoints and fails on any without a rule.
/// </summary>
public static class Policies
{
    /// <summary>Read anything: any role, any token scope.</summary>
    public const string Viewer = "cloudwg.viewer";

    /// <summary>Change the fleet: admin or owner, and a token must have the write scope.</summary>
    public const string Admin = "cloudwg.admin";

    /// <summary>Manage admins and fleet-wide security settings: owner, and a token must have the write scope.</summary>
    public const string Owner = "cloudwg.owner";

    /// <summary>Any signed-in admin or API token, including a session that must still set up MFA (<c>GET /api/auth/me</c>).</summary>
    public const string Authenticated = "cloudwg.authenticated";

    /// <summary>
    /// The admin's own account through a session (not a token), including a session that must still set up MFA:
    /// logout, TOTP enrolment, password change.
    /// </summary>
    public const string Account = "cloudwg.account";

    /// <summary>Any role through a full session (not a token, MFA done): managing one's own API tokens.</summary>
    public const string Session = "cloudwg.session";

    /// <summary>Agent endpoints: an enrolled node's client certificate.</summary>
    public const string Node = "cloudwg.node";
}

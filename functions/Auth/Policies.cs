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

    /// <summary>Agent endpoints: an enrolled node's client certificate.</summary>
    public const string Node = "cloudwg.node";
}

namespace CloudWg.Functions.Auth;

/// <summary>Admin roles, carried as <see cref="System.Security.Claims.ClaimTypes.Role"/> claims.</summary>
public static class Roles
{
    /// <summary>Everything, including managing admins.</summary>
    public const string Owner = "owner";

    /// <summary>Manages the fleet: nodes, peers, routes, firewall rules, enrollment.</summary>
    public const string Admin = "admin";

    /// <summary>Reads everything, changes nothing.</summary>
    public const string Viewer = "viewer";

    public static readonly IReadOnlyList<string> All = [Owner, Admin, Viewer];
}

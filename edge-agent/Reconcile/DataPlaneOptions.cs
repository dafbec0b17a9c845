namespace CloudWg.EdgeAgent.Reconcile;

/// <summary>Which data-plane drivers run besides WireGuard (configuration section <c>DataPlane</c>).</summary>
public sealed class DataPlaneOptions
{
    public const string Section = "DataPlane";

    /// <summary>Manage the agent's own nftables table <c>inet cloudwg</c> (never any other table).</summary>
    public bool Firewall { get; set; } = true;

    /// <summary>
    /// Caddy's admin endpoint for SNI routing, e.g. <c>unix//run/caddy/admin.sock</c>; Caddy must include the layer4
    /// app. Null: L4 routing is off, and a desired state that has L4 routes fails its pass saying so.
    /// </summary>
    public string? CaddyAdminAddress { get; set; }
}

namespace CloudWg.EdgeAgent.Reconcile;

/// <summary>Which data-plane drivers run besides WireGuard (configuration section <c>DataPlane</c>).</summary>
public sealed class DataPlaneOptions
{
    public const string Section = "DataPlane";

    /// <summary>Manage the agent's own nftables table <c>inet cloudwg</c> (never any other table).</summary>
    public bool Firewall { get; set; } = true;

    /// <summary>
    /// The L4 proxy that carries SNI routes: <c>caddy</c> (Caddy with the layer4 app, through its admin API),
    /// <c>haproxy</c> (the distribution's package, through the agent's own config file and the master CLI) or
    /// <c>none</c>. Unset: <c>caddy</c> when <see cref="CaddyAdminAddress"/> is set, else <c>none</c>.
    /// </summary>
    public string? L4Proxy { get; set; }

    /// <summary>
    /// Caddy's admin endpoint for SNI routing, e.g. <c>unix//run/caddy/admin.sock</c>; Caddy must include the layer4
    /// app. Needed with <c>L4Proxy = caddy</c>.
    /// </summary>
    public string? CaddyAdminAddress { get; set; }

    /// <summary>The L4 proxy in effect (see <see cref="L4Proxy"/>).</summary>
    public string EffectiveL4Proxy => (L4Proxy ?? (string.IsNullOrEmpty(CaddyAdminAddress) ? "none" : "caddy")).ToLowerInvariant();
}

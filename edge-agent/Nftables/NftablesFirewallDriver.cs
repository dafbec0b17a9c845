using System.Globalization;
using CloudWg.EdgeAgent.Native;
using CloudWg.EdgeAgent.Reconcile;
using CloudWg.Protocol.DesiredStates;

namespace CloudWg.EdgeAgent.Nftables;

/// <summary>
/// The firewall as one of the reconciler's data-plane drivers: each pass reads the live table back, and only
/// when it differs from the desired state (first run, new version, or someone edited it) replaces it in one
/// atomic batch. Each difference found is reported as a change, so drift shows up in reconcile history.
/// libnftables is opened on first use, so a node without it reports a failed pass instead of not starting.
/// </summary>
public sealed class NftablesFirewallDriver : IDataPlaneDriver, IDisposable
{
    private readonly Lock _gate = new();
    private readonly string? _networkNamespace;
    private readonly Func<CancellationToken, Task<string?>> _defaultRouteInterface;
    private NftablesDriver? _driver;

    /// <param name="networkNamespace">The namespace holding the WireGuard interface, or null for the agent's own.</param>
    /// <param name="defaultRouteInterface">Finds the default route's interface (the egress interface when the desired state names none).</param>
    public NftablesFirewallDriver(string? networkNamespace = null, Func<CancellationToken, Task<string?>>? defaultRouteInterface = null)
    {
        _networkNamespace = networkNamespace;
        _defaultRouteInterface = defaultRouteInterface ?? (ct => Routing.DefaultRoute.InterfaceAsync("ip", networkNamespace, ct));
    }

    public string Name => "nftables";

    public async Task<DriverResult> ReconcileAsync(DesiredState desired, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(desired);
        string? egress = null;
        if (desired.Routing is { Egress: true } routing)
        {
            egress = routing.EgressInterface ?? await _defaultRouteInterface(cancellationToken).ConfigureAwait(false);
            if (egress is null)
            {
                return DriverResult.Failed(Name, "The node is an exit node but has no default route to send egress by: set its egress interface.");
            }
        }

        return Reconcile(desired, egress);
    }

    private DriverResult Reconcile(DesiredState desired, string? egress)
    {
        lock (_gate)
        {
            try
            {
                var context = ContextFor(desired, egress);
                // In another namespace, each pass opens libnftables on a thread inside it (its netlink socket
                // stays there); in the agent's own namespace one context is kept.
                var report = _networkNamespace is null
                    ? (_driver ??= new NftablesDriver()).Reconcile(desired.Firewall, context)
                    : NamespaceThread.Run(_networkNamespace, () =>
                    {
                        using var driver = new NftablesDriver();
                        return driver.Reconcile(desired.Firewall, context);
                    });
                return report.HasDrift
                    ? new DriverResult(Name, [.. report.Differences.Select(d => $"replaced table inet cloudwg: {d}")])
                    : DriverResult.Unchanged(Name);
            }
            catch (Exception e) when (e is NftablesException or ArgumentException or FormatException)
            {
                return DriverResult.Failed(Name, e.Message);
            }
        }
    }

    /// <summary>The node facts the firewall needs, taken from the rest of the desired state.</summary>
    /// <param name="egressInterface">For an exit node, the interface egress leaves by (resolved); else null.</param>
    public static NftablesRenderContext ContextFor(DesiredState desired, string? egressInterface = null)
    {
        var ports = new List<int>();
        foreach (var server in desired.L4.Servers)
        {
            var colon = server.Listen.LastIndexOf(':');
            if (colon < 0 || !int.TryParse(server.Listen.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port))
            {
                throw new FormatException($"L4 listen address '{server.Listen}' has no port.");
            }

            ports.Add(port);
        }

        return new NftablesRenderContext(desired.WireGuard.Interface, desired.WireGuard.ListenPort, ports, egressInterface);
    }

    /// <summary>Removes the agent's table (uninstall); other tables are not touched.</summary>
    public void DeleteTable()
    {
        lock (_gate)
        {
            NamespaceThread.Run(_networkNamespace, () =>
            {
                using var session = new NftablesSession();
                session.Run($"add table {NftablesNames.Family} {NftablesNames.Table}; delete table {NftablesNames.Family} {NftablesNames.Table}");
                return true;
            });
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _driver?.Dispose();
            _driver = null;
        }
    }
}

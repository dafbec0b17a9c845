using System.Globalization;
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
    private NftablesDriver? _driver;

    public string Name => "nftables";

    public Task<DriverResult> ReconcileAsync(DesiredState desired, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(desired);
        lock (_gate)
        {
            try
            {
                _driver ??= new NftablesDriver();
                var report = _driver.Reconcile(desired.Firewall, ContextFor(desired));
                return Task.FromResult(report.HasDrift
                    ? new DriverResult(Name, [.. report.Differences.Select(d => $"replaced table inet cloudwg: {d}")])
                    : DriverResult.Unchanged(Name));
            }
            catch (Exception e) when (e is NftablesException or ArgumentException or FormatException)
            {
                return Task.FromResult(DriverResult.Failed(Name, e.Message));
            }
        }
    }

    /// <summary>The node facts the firewall needs, taken from the rest of the desired state.</summary>
    public static NftablesRenderContext ContextFor(DesiredState desired)
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

        return new NftablesRenderContext(desired.WireGuard.Interface, desired.WireGuard.ListenPort, ports);
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

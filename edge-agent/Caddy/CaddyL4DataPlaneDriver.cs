using CloudWg.EdgeAgent.Reconcile;
using CloudWg.Protocol.DesiredStates;

namespace CloudWg.EdgeAgent.Caddy;

/// <summary>
/// SNI routing as one of the reconciler's data-plane drivers. A node with no L4 routes needs neither Caddy
/// nor its layer4 app: when there is nothing to serve and Caddy is unreachable, the pass is a no-op.
/// </summary>
public sealed class CaddyL4DataPlaneDriver : IDataPlaneDriver
{
    private readonly CaddyL4Driver _driver;

    public CaddyL4DataPlaneDriver(CaddyAdminClient client) => _driver = new CaddyL4Driver(client);

    public string Name => "caddy-l4";

    public async Task<DriverResult> ReconcileAsync(DesiredState desired, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(desired);
        try
        {
            var report = await _driver.ApplyAsync(desired.L4, cancellationToken).ConfigureAwait(false);
            return report.HasDrift
                ? new DriverResult(Name, [.. report.Differences.Select(d => $"updated: {d}")])
                : DriverResult.Unchanged(Name);
        }
        catch (CaddyAdminException e) when (e.StatusCode is null && desired.L4.Servers.Count == 0)
        {
            return DriverResult.Unchanged(Name);
        }
        catch (Exception e) when (e is CaddyAdminException or ArgumentException)
        {
            return DriverResult.Failed(Name, e.Message);
        }
    }
}

using CloudWg.Protocol.DesiredStates;

namespace CloudWg.EdgeAgent.Reconcile;

/// <summary>
/// One part of the data plane (WireGuard, nftables, Caddy-L4). The reconciler calls every driver on each
/// accepted document and every reconcile interval; a driver reads the actual state, applies the smallest
/// change towards the desired state, and says what it changed. It must be idempotent and must
/// only touch what the agent owns.
/// </summary>
public interface IDataPlaneDriver
{
    /// <summary>Short stable name for status, reports and logs, e.g. <c>wireguard</c>.</summary>
    string Name { get; }

    /// <summary>Converges towards <paramref name="desired"/>. Failures may throw; the reconciler records them.</summary>
    Task<DriverResult> ReconcileAsync(DesiredState desired, CancellationToken cancellationToken);
}

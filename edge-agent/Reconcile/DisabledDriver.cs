using CloudWg.Protocol.DesiredStates;

namespace CloudWg.EdgeAgent.Reconcile;

/// <summary>
/// Stands in for a data-plane driver that is switched off on this node: unchanged while the desired state needs
/// nothing from it, and a failed pass with an actionable message when it does, so nothing is silently skipped.
/// </summary>
public sealed class DisabledDriver(string name, string reason, Func<DesiredState, bool> needed) : IDataPlaneDriver
{
    public string Name => name;

    public Task<DriverResult> ReconcileAsync(DesiredState desired, CancellationToken cancellationToken) =>
        Task.FromResult(needed(desired) ? DriverResult.Failed(name, reason) : DriverResult.Unchanged(name));
}

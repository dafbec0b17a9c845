using CloudWg.EdgeAgent.Reconcile;
using CloudWg.Protocol.DesiredStates;

namespace CloudWg.EdgeAgent.Tests.Fixtures;

/// <summary>A data-plane driver that records what it was asked to apply (for inbox/intake tests without networking).</summary>
public sealed class RecordingDriver : IDataPlaneDriver
{
    private readonly List<long> applied = [];

    public string Name => "recording";

    public IReadOnlyList<long> Applied
    {
        get
        {
            lock (applied)
            {
                return applied.ToList();
            }
        }
    }

    public Task<DriverResult> ReconcileAsync(DesiredState desired, CancellationToken cancellationToken)
    {
        lock (applied)
        {
            var changed = applied.Count == 0 || applied[^1] != desired.Version;
            applied.Add(desired.Version);
            return Task.FromResult(new DriverResult(Name, changed ? [$"version {desired.Version}"] : []));
        }
    }
}

using CloudWg.EdgeAgent.State;
using CloudWg.Protocol.DesiredStates;
using CloudWg.Protocol.Json;
using CloudWg.Protocol.Messages;
using Microsoft.Extensions.Logging;

namespace CloudWg.EdgeAgent.Reconcile;

/// <summary>
/// Runs every driver against the current desired state: at start-up from the cache, on each accepted
/// document, and every <see cref="ReconcilerOptions.Interval"/> (which also corrects drift). Records
/// each pass; keeps <see cref="LastPass"/> for reports.
/// </summary>
public sealed class Reconciler(
    IEnumerable<IDataPlaneDriver> drivers,
    AgentStateStore store,
    TimeProvider time,
    ILogger<Reconciler> logger)
{
    private readonly IReadOnlyList<IDataPlaneDriver> drivers = drivers.ToList();
    private readonly SemaphoreSlim gate = new(1, 1);
    private string? lastLoggedState;

    /// <summary>The document being enforced; null until one was accepted.</summary>
    public DesiredState? Current { get; private set; }

    public ReconcilePass? LastPass { get; private set; }

    /// <summary>Raised after each pass whose outcome or changes matter to reports.</summary>
    public event Action<ReconcilePass>? PassCompleted;

    /// <summary>Loads the newest accepted document from the cache (offline start).</summary>
    public DesiredState? LoadFromCache()
    {
        var cached = store.GetLatestAccepted();
        if (cached is null)
        {
            return null;
        }

        Current = CanonicalJson.Deserialize(System.Text.Encoding.UTF8.GetBytes(cached.Payload));
        return Current;
    }

    /// <summary>Reconciles towards <paramref name="document"/> (or the current one) and records the outcome.</summary>
    public async Task<ReconcilePass?> ReconcileAsync(DesiredState? document, string trigger, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (document is not null && (Current is null || document.Version >= Current.Version))
            {
                Current = document;
            }
            else if (document is null && store.GetLastAcceptedVersion() > (Current?.Version ?? 0))
            {
                // Accepted by another process (cloudwg-agent apply --file) while this one was running.
                LoadFromCache();
            }

            if (Current is not { } desired)
            {
                return null;
            }

            var results = new List<DriverResult>(drivers.Count);
            foreach (var driver in drivers)
            {
                try
                {
                    results.Add(await driver.ReconcileAsync(desired, cancellationToken).ConfigureAwait(false));
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                {
                    results.Add(DriverResult.Failed(driver.Name, e.Message));
                }
            }

            var changed = results.Any(r => r.Changes.Count > 0);
            var outcome = results.All(r => r.Succeeded)
                ? (changed ? ReconcileOutcomes.Applied : ReconcileOutcomes.Unchanged)
                : ReconcileOutcomes.Failed;
            var pass = new ReconcilePass(desired.Version, trigger, outcome, results);
            if (pass.Succeeded)
            {
                store.SetAppliedVersion(desired.Version);
            }

            if (changed || !pass.Succeeded || trigger != "periodic")
            {
                // Changes on a periodic pass mean someone changed the system behind the agent's back.
                var detail = trigger == "periodic" && changed ? "drift corrected: " + pass.Detail : pass.Detail;
                store.AddReconcile(new ReconcileRecord(time.GetUtcNow(), desired.Version, trigger, outcome, detail));
            }

            LogOnce(pass);
            var previous = LastPass;
            LastPass = pass;
            if (changed || previous is null || previous.Outcome != pass.Outcome || previous.Version != pass.Version)
            {
                PassCompleted?.Invoke(pass);
            }

            return pass;
        }
        finally
        {
            gate.Release();
        }
    }

    private void LogOnce(ReconcilePass pass)
    {
        var state = $"{pass.Version}/{pass.Outcome}/{pass.Error}";
        if (pass.Outcome == ReconcileOutcomes.Applied)
        {
            logger.LogInformation("Reconciled version {Version} ({Trigger}): {Detail}", pass.Version, pass.Trigger, pass.Detail);
        }
        else if (state != lastLoggedState)
        {
            if (pass.Succeeded)
            {
                logger.LogInformation("Version {Version} is in place", pass.Version);
            }
            else
            {
                logger.LogError("Reconcile of version {Version} failed: {Error}", pass.Version, pass.Error);
            }
        }

        lastLoggedState = state;
    }
}

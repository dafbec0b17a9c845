using CloudWg.EdgeAgent.Reconcile;
using CloudWg.EdgeAgent.Tests.Fixtures;
using CloudWg.Protocol.DesiredStates;
using CloudWg.Protocol.Messages;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CloudWg.EdgeAgent.Tests.Reconcile;

public sealed class ReconcilerTests : IDisposable
{
    private readonly TestSigner signer = new();
    private readonly DriftingDriver driver = new();
    private readonly AgentUnderTest agent;

    public ReconcilerTests() => agent = new AgentUnderTest(signer, new UnusedGrants().Enrollment("node-r"), driver: driver);

    public void Dispose()
    {
        agent.Dispose();
        signer.Dispose();
    }

    [Fact]
    public async Task Changes_on_a_periodic_pass_are_recorded_as_drift()
    {
        var ct = TestContext.Current.CancellationToken;
        agent.Intake.Offer(await signer.SignAsync(TestStates.Node("node-r", 2, "wg0", [])), "file");
        var first = await agent.Reconciler.ReconcileAsync(null, "startup", ct);
        Assert.Equal(ReconcileOutcomes.Applied, first!.Outcome);
        Assert.Equal(2, agent.Store.GetAppliedVersion());

        Assert.Equal(ReconcileOutcomes.Unchanged, (await agent.Reconciler.ReconcileAsync(null, "periodic", ct))!.Outcome);
        driver.Drift = "peer X re-added";
        Assert.Equal(ReconcileOutcomes.Applied, (await agent.Reconciler.ReconcileAsync(null, "periodic", ct))!.Outcome);

        var history = agent.Store.GetRecentReconciles(10);
        Assert.Equal(2, history.Count);
        Assert.Equal("drift corrected: drifting: peer X re-added", history[0].Detail);
    }

    [Fact]
    public async Task A_failing_driver_fails_the_pass_without_moving_the_applied_version()
    {
        var ct = TestContext.Current.CancellationToken;
        agent.Intake.Offer(await signer.SignAsync(TestStates.Node("node-r", 2, "wg0", [])), "file");
        await agent.Reconciler.ReconcileAsync(null, "startup", ct);
        agent.Intake.Offer(await signer.SignAsync(TestStates.Node("node-r", 3, "wg0", [])), "file");
        driver.Throw = true;

        var pass = await agent.Reconciler.ReconcileAsync(null, "periodic", ct);

        Assert.Equal(ReconcileOutcomes.Failed, pass!.Outcome);
        Assert.Equal("drifting: device on fire", pass.Error);
        Assert.Equal(3, agent.Reconciler.Current!.Version);
        Assert.Equal(2, agent.Store.GetAppliedVersion());
        Assert.Equal("failed", agent.Store.GetRecentReconciles(1)[0].Outcome);
    }

    [Fact]
    public async Task Loop_starts_from_cache_then_follows_documents_and_the_interval()
    {
        var ct = TestContext.Current.CancellationToken;
        agent.Intake.Offer(await signer.SignAsync(TestStates.Node("node-r", 5, "wg0", [])), "queue");
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var reconciler = new Reconciler([driver], agent.Store, time, NullLogger<Reconciler>.Instance);
        var signal = new ReconcileSignal();
        using var loop = new ReconcileLoop(reconciler, signal, Options.Create(new ReconcilerOptions()), time, NullLogger<ReconcileLoop>.Instance);

        await loop.StartAsync(ct);
        try
        {
            Assert.True(await Run.EventuallyAsync(() => Task.FromResult(driver.Versions.Count == 1), TimeSpan.FromSeconds(30)));
            Assert.Equal(5, driver.Versions[0]);

            signal.Notify(TestStates.Node("node-r", 6, "wg0", []));
            Assert.True(await Run.EventuallyAsync(() => Task.FromResult(driver.Versions.Count == 2), TimeSpan.FromSeconds(30)));
            Assert.Equal(6, driver.Versions[1]);

            // Advance on every poll: the loop may not have armed its timer yet when the test first advances.
            Assert.True(await Run.EventuallyAsync(
                () =>
                {
                    time.Advance(TimeSpan.FromSeconds(31));
                    return Task.FromResult(driver.Versions.Count >= 3);
                },
                TimeSpan.FromSeconds(30)));
            Assert.Equal(6, driver.Versions[2]);
        }
        finally
        {
            await loop.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>A driver whose actual state can be made to drift or fail.</summary>
    private sealed class DriftingDriver : IDataPlaneDriver
    {
        private readonly List<long> versions = [];
        private long applied = -1;

        public string Name => "drifting";

        public string? Drift { get; set; }

        public bool Throw { get; set; }

        public IReadOnlyList<long> Versions
        {
            get
            {
                lock (versions)
                {
                    return versions.ToList();
                }
            }
        }

        public Task<DriverResult> ReconcileAsync(DesiredState desired, CancellationToken cancellationToken)
        {
            lock (versions)
            {
                versions.Add(desired.Version);
            }

            if (Throw)
            {
                throw new IOException("device on fire");
            }

            var changes = new List<string>();
            if (applied != desired.Version)
            {
                changes.Add($"version {desired.Version}");
                applied = desired.Version;
            }

            if (Drift is { } drift)
            {
                changes.Add(drift);
                Drift = null;
            }

            return Task.FromResult(new DriverResult(Name, changes));
        }
    }

    /// <summary>Grants that are never called: these tests feed documents directly.</summary>
    private sealed class UnusedGrants
    {
        public EdgeAgent.Enrollment.AgentEnrollment Enrollment(string nodeId)
        {
            var expires = DateTimeOffset.UtcNow.AddDays(30);
            return new(nodeId, "http://127.0.0.1:9", "http://127.0.0.1:9/q?s", expires, "http://127.0.0.1:9/b?s", expires, "http://127.0.0.1:9/r?s", expires, DateTimeOffset.UtcNow, expires);
        }
    }
}

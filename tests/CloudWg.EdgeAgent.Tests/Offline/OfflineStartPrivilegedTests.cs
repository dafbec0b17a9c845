using CloudWg.EdgeAgent.Hosting;
using CloudWg.EdgeAgent.State;
using CloudWg.EdgeAgent.Tests.Fixtures;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace CloudWg.EdgeAgent.Tests.Offline;

/// <summary>
/// The whole agent host (every background loop, real WireGuard driver) started with the control plane and
/// storage unreachable: it applies the cached state, a client pings through the tunnel, and reports pile up
/// in SQLite instead of being lost.
/// </summary>
[Trait("Category", "Privileged")]
public sealed class OfflineStartPrivilegedTests
{
    private const string Unreachable = "http://127.0.0.1:9";

    [Fact]
    public async Task Run_without_control_plane_applies_the_cached_state_and_queues_reports()
    {
        var ct = TestContext.Current.CancellationToken;
        using var signer = new TestSigner();
        using var dir = new TempDirectory();
        await using var pair = await WireGuardPair.CreateAsync();
        var stateDir = Path.Combine(dir.Path, "state");

        var settings = new AgentHostSettings
        {
            StateDirectory = stateDir,
            ConfigFile = null,
            Overrides = new Dictionary<string, string?>
            {
                ["WireGuard:NetworkNamespace"] = pair.Node.Name,
                ["Reports:Interval"] = "00:00:01",
                ["Logging:LogLevel:Default"] = "Warning",
            },
        };
        // Enrollment happened earlier; the node then accepted version 12 and went offline.
        using (var core = AgentHost.BuildCore(settings))
        {
            var identity = core.GetRequiredService<EdgeAgent.Enrollment.NodeIdentityStore>();
            StateDirectory.WriteSecret(Path.Combine(stateDir, "wireguard.key"), pair.NodePrivateKey.ToString());
            identity.SaveTrustBundle(signer.TrustBundle);
            var expires = DateTimeOffset.UtcNow.AddDays(30);
            identity.SaveEnrollment(new EdgeAgent.Enrollment.AgentEnrollment(
                "node-o", Unreachable,
                Unreachable + "/devstoreaccount1/inbox?sv=x&sig=y", expires,
                Unreachable + "/devstoreaccount1/state/latest.jws?sv=x&sig=y", expires,
                Unreachable + "/devstoreaccount1/reports?sv=x&sig=y", expires,
                DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(365)));
            using var tlsKey = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
            identity.SaveTlsKey(tlsKey);
            var state = TestStates.Node("node-o", 12, pair.NodeInterface, [TestStates.Peer(pair.ClientPublicKey, "10.99.0.2/32")]);
            var accepted = core.GetRequiredService<EdgeAgent.Inbox.DesiredStateIntake>().Offer(await signer.SignAsync(state), "queue");
            Assert.Equal(EdgeAgent.Inbox.IntakeOutcome.Accepted, accepted.Outcome);
        }

        SqliteConnection.ClearAllPools();
        using var host = AgentHost.Build(settings);
        await host.StartAsync(ct);
        try
        {
            await pair.StartClientAsync();
            Assert.True(await Run.EventuallyAsync(() => pair.Client.PingAsync("10.99.0.1"), TimeSpan.FromSeconds(60)), "no ping through the tunnel started from cache");

            var store = host.Services.GetRequiredService<AgentStateStore>();
            Assert.True(await Run.EventuallyAsync(() => Task.FromResult(store.CountPendingReports() >= 2), TimeSpan.FromSeconds(60)));
            Assert.Equal(12, store.GetAppliedVersion());
            Assert.Contains(store.GetRecentReconciles(10), r => r.Trigger == "startup" && r.Outcome == "applied" && r.Version == 12);
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }
}

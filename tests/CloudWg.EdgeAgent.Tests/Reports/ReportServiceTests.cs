using CloudWg.EdgeAgent.Reports;
using CloudWg.EdgeAgent.Tests.Fixtures;
using CloudWg.Protocol.Json;
using CloudWg.Protocol.Jws;
using CloudWg.Protocol.Messages;
using CloudWg.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;

namespace CloudWg.EdgeAgent.Tests.Reports;

public sealed class ReportServiceTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly TestSigner signer = new();
    private StorageNode storage = null!;

    public async ValueTask InitializeAsync() => storage = await StorageNode.CreateAsync(azurite.Azurite);

    public ValueTask DisposeAsync()
    {
        signer.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Reports_wait_in_sqlite_while_the_queue_is_unreachable_and_are_sent_signed_later()
    {
        var ct = TestContext.Current.CancellationToken;
        var reachable = storage.Enrollment("node-r");
        using var agent = new AgentUnderTest(signer, reachable with { ReportsUrl = "http://127.0.0.1:9/devstoreaccount1/reports?sv=x&sig=y" });
        using var tlsKey = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        agent.Identity.SaveTlsKey(tlsKey);
        var reports = ActivatorUtilities.CreateInstance<ReportService>(agent.Services);

        Assert.Equal(0, await reports.ReportOnceAsync(ct));
        Assert.Equal(0, await reports.ReportOnceAsync(ct));
        Assert.Equal(2, agent.Store.CountPendingReports());

        agent.Identity.SaveEnrollment(reachable);
        Assert.Equal(3, await reports.ReportOnceAsync(ct));
        Assert.Equal(0, agent.Store.CountPendingReports());

        var messages = (await storage.Reports.ReceiveMessagesAsync(10, cancellationToken: ct)).Value;
        Assert.Equal(3, messages.Length);
        var nodeKey = TrustBundle.FromKeys(Jwk.FromECDsa(tlsKey, Jwk.Thumbprint(tlsKey)));
        var sequences = new List<long>();
        foreach (var message in messages)
        {
            var verified = new JwsVerifier(nodeKey).Verify(message.Body.ToString(), JwsTypes.Report);
            Assert.True(verified.IsValid, verified.ToString());
            var report = CanonicalJson.Deserialize(verified.Payload!, ProtocolJsonContext.Default.NodeReport);
            Assert.Empty(report.Validate());
            Assert.Equal("node-r", report.NodeId);
            Assert.Equal(ReconcileOutcomes.Pending, report.ReconcileOutcome);
            sequences.Add(report.Sequence);
        }

        Assert.Equal([1L, 2L, 3L], sequences.Order());
    }

    [Fact]
    public async Task Report_carries_applied_version_outcome_and_rejection_counters()
    {
        var ct = TestContext.Current.CancellationToken;
        using var agent = new AgentUnderTest(signer, storage.Enrollment("node-s"));
        agent.Intake.Offer(await signer.SignAsync(TestStates.Node("node-s", 4, "wg0", [])), "file");
        agent.Intake.Offer(await signer.SignAsync(TestStates.Node("node-x", 5, "wg0", [])), "file");
        await agent.Reconciler.ReconcileAsync(null, "document", ct);

        var report = await agent.Services.GetRequiredService<ReportBuilder>().BuildAsync("node-s", ct);

        Assert.Equal(4, report.AppliedVersion);
        Assert.Equal(ReconcileOutcomes.Applied, report.ReconcileOutcome);
        Assert.Equal(1, report.Rejections["otherNode"]);
        Assert.Empty(report.Validate());
    }
}

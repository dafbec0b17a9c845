using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using CloudWg.Functions.Reports;
using CloudWg.Functions.Tests.Infrastructure;
using CloudWg.Functions.Tests.Pki;
using CloudWg.Functions.Validation;
using CloudWg.Protocol.Jws;
using CloudWg.Protocol.Json;
using CloudWg.Protocol.Messages;
using CloudWg.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;

namespace CloudWg.Functions.Tests.Reports;

/// <summary>Node reports end to end: a really enrolled node signs with its TLS key; forged, replayed and broken reports are counted and change nothing.</summary>
public sealed class ReportIngestTests(AzuriteFixture azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_signed_report_from_an_enrolled_node_sets_it_online_with_its_applied_version_and_peer_stats()
    {
        await using var app = await new PkiApp(azurite.ConnectionString).StartAsync();
        using var admin = app.NewClient(admin: "alice");
        var nodeId = (string)(await admin.CreateNodeAsync())["id"]!;
        var peerKey = Api.NewKey();
        var peerId = (string)(await admin.CreatePeerAsync(nodeId, key: peerKey))["id"]!;
        var agent = await EnrollAsync(app, nodeId);
        var ingestor = app.Services.GetRequiredService<ReportIngestor>();
        var etagBefore = (string?)(await admin.GetFromJsonAsync<JsonObject>($"/api/nodes/{nodeId}", Ct))!["etag"];

        var outcome = await ingestor.IngestAsync(await SignAsync(agent.TlsKey, Report(nodeId, 1, app.Time.GetUtcNow(), 7, peerKey)), Ct);

        Assert.True(outcome.Accepted, outcome.Detail);
        var node = (await admin.GetFromJsonAsync<JsonObject>($"/api/nodes/{nodeId}", Ct))!;
        Assert.Equal(NodeLiveness.Online, (string?)node["status"]);
        Assert.Equal(7, (long?)node["appliedVersion"]);
        Assert.Equal(app.Time.GetUtcNow(), (DateTimeOffset?)node["lastSeenAt"]);
        Assert.Equal(etagBefore, (string?)node["etag"]);
        var listed = Assert.Single((await admin.GetFromJsonAsync<JsonObject[]>("/api/nodes", Ct))!, n => (string?)n["id"] == nodeId);
        Assert.Equal(NodeLiveness.Online, (string?)listed["status"]);
        var peer = (await admin.GetFromJsonAsync<JsonObject>($"/api/peers/{peerId}", Ct))!;
        Assert.Equal(1234, (long?)peer["rxBytes"]);
        Assert.Equal(5678, (long?)peer["txBytes"]);
        Assert.Equal("198.51.100.7:51820", (string?)peer["endpoint"]);
        Assert.NotNull((DateTimeOffset?)peer["lastHandshakeAt"]);
        var inList = Assert.Single((await admin.GetFromJsonAsync<JsonObject[]>($"/api/nodes/{nodeId}/peers", Ct))!);
        Assert.Equal(1234, (long?)inList["rxBytes"]);
    }

    [Fact]
    public async Task Forged_replayed_foreign_and_broken_reports_are_rejected_counted_and_change_nothing()
    {
        await using var app = await new PkiApp(azurite.ConnectionString).StartAsync();
        var (nodeA, agentA) = await EnrollAsync(app);
        var (nodeB, _) = await EnrollAsync(app);
        var ingestor = app.Services.GetRequiredService<ReportIngestor>();
        var now = app.Time.GetUtcNow();
        Assert.True((await ingestor.IngestAsync(await SignAsync(agentA.TlsKey, Report(nodeA, 5, now, 3)), Ct)).Accepted);

        using var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var cases = new (string Name, string Message, ReportRejection Expected)[]
        {
            ("signed by a key that is no node's", await SignAsync(stranger, Report(nodeA, 6, now, 9)), ReportRejection.BadSignature),
            ("node A's key claiming to be node B", await SignAsync(agentA.TlsKey, Report(nodeB, 6, now, 9)), ReportRejection.BadSignature),
            ("a replay of the stored report", await SignAsync(agentA.TlsKey, Report(nodeA, 5, now, 9)), ReportRejection.Stale),
            ("an older sequence", await SignAsync(agentA.TlsKey, Report(nodeA, 4, now, 9)), ReportRejection.Stale),
            ("a node that does not exist", await SignAsync(agentA.TlsKey, Report(ResourceIds.NewNodeId(), 6, now, 9)), ReportRejection.UnknownNode),
            ("garbage", "not a jws at all", ReportRejection.Malformed),
            ("oversized", new string('a', ReportIngestor.MaxReportLength + 1), ReportRejection.Oversized),
            ("invalid fields", await SignAsync(agentA.TlsKey, Report(nodeA, 6, now, 9) with { ReconcileOutcome = "exploded" }), ReportRejection.Invalid),
            ("unsigned (alg none)", Unsigned(Report(nodeA, 6, now, 9)), ReportRejection.Malformed),
        };

        foreach (var (name, message, expected) in cases)
        {
            var outcome = await ingestor.IngestAsync(message, Ct);
            Assert.False(outcome.Accepted, name);
            Assert.True(expected == outcome.Rejection, $"{name}: expected {expected}, got {outcome.Rejection} ({outcome.Detail})");
        }

        var runtime = app.Services.GetRequiredService<NodeRuntimeStore>();
        Assert.Equal(3, (await runtime.GetAsync(nodeA, Ct))!.AppliedVersion);
        Assert.Null(await runtime.GetAsync(nodeB, Ct));
        var counts = await app.Services.GetRequiredService<IngestCounters>().ReadAsync(Ct);
        Assert.Equal(2, counts[nameof(ReportRejection.BadSignature)]);
        Assert.Equal(2, counts[nameof(ReportRejection.Stale)]);
        Assert.Equal(2, counts[nameof(ReportRejection.Malformed)]);
    }

    [Fact]
    public async Task A_node_that_misses_three_reports_goes_offline_and_a_new_report_brings_it_back()
    {
        await using var app = await new PkiApp(azurite.ConnectionString).StartAsync();
        var (nodeId, agent) = await EnrollAsync(app);
        var ingestor = app.Services.GetRequiredService<ReportIngestor>();
        var detector = app.Services.GetRequiredService<OfflineDetector>();
        var runtime = app.Services.GetRequiredService<NodeRuntimeStore>();
        Assert.True((await ingestor.IngestAsync(await SignAsync(agent.TlsKey, Report(nodeId, 1, app.Time.GetUtcNow(), 1)), Ct)).Accepted);

        app.Time.Advance(TimeSpan.FromSeconds(80));
        Assert.Empty((await detector.RunAsync(Ct)).MarkedOffline);
        app.Time.Advance(TimeSpan.FromSeconds(11));
        Assert.Equal([nodeId], (await detector.RunAsync(Ct)).MarkedOffline);
        Assert.Equal(NodeLiveness.Offline, (await runtime.GetAsync(nodeId, Ct))!.Status);

        Assert.True((await ingestor.IngestAsync(await SignAsync(agent.TlsKey, Report(nodeId, 2, app.Time.GetUtcNow(), 1)), Ct)).Accepted);
        Assert.Equal(NodeLiveness.Online, (await runtime.GetAsync(nodeId, Ct))!.Status);
    }

    [Fact]
    public async Task The_local_listener_ingests_base64_messages_from_the_reports_queue_like_the_functions_host()
    {
        await using var app = await new PkiApp(azurite.ConnectionString).StartAsync();
        var (nodeId, agent) = await EnrollAsync(app);
        var queue = app.Storage.Queues.GetQueueClient(app.Storage.Names.ReportsQueue);
        var jws = await SignAsync(agent.TlsKey, Report(nodeId, 1, app.Time.GetUtcNow(), 4));
        await queue.SendMessageAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes(jws)), Ct);
        await queue.SendMessageAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes("forged")), Ct);
        var runtime = app.Services.GetRequiredService<NodeRuntimeStore>();

        var deadline = DateTime.UtcNow.AddSeconds(60);
        NodeRuntime? state = null;
        while (DateTime.UtcNow < deadline && (state = await runtime.GetAsync(nodeId, Ct)) is null)
        {
            // The listener idles on the app's fake clock.
            app.Time.Advance(TimeSpan.FromSeconds(2));
            await Task.Delay(100, Ct);
        }

        Assert.NotNull(state);
        Assert.Equal(4, state.AppliedVersion);
        while (DateTime.UtcNow < deadline && (await queue.GetPropertiesAsync(Ct)).Value.ApproximateMessagesCount > 0)
        {
            app.Time.Advance(TimeSpan.FromSeconds(2));
            await Task.Delay(100, Ct);
        }

        Assert.Equal(0, (await queue.GetPropertiesAsync(Ct)).Value.ApproximateMessagesCount);
        Assert.Equal(1, (await app.Services.GetRequiredService<IngestCounters>().ReadAsync(Ct))[nameof(ReportRejection.Malformed)]);
    }

    private static async Task<(string NodeId, TestAgent Agent)> EnrollAsync(PkiApp app)
    {
        var nodeId = await app.CreateNodeAsync(ResourceIds.NewNodeId());
        return (nodeId, await EnrollAsync(app, nodeId));
    }

    private static async Task<TestAgent> EnrollAsync(PkiApp app, string nodeId)
    {
        using var admin = app.NewClient(admin: "alice");
        using var anonymous = app.NewClient();
        var token = await PkiHttp.CreateTokenAsync(admin, nodeId);
        var agent = new TestAgent();
        var response = await TestAgent.EnrollAsync(anonymous, agent.Request(token.Token));
        response.EnsureSuccessStatusCode();
        Assert.Equal(nodeId, (await response.Content.ReadFromJsonAsync<EnrollmentResponse>(Ct))!.NodeId);
        return agent;
    }

    private static NodeReport Report(string nodeId, long sequence, DateTimeOffset at, long applied, string? peerKey = null) => new(
        nodeId,
        sequence,
        at,
        applied,
        ReconcileOutcomes.Applied,
        null,
        peerKey is null ? [] : [new PeerStats(peerKey, at.AddSeconds(-5), 1234, 5678, "198.51.100.7:51820")],
        "0.1.0-test",
        RejectionCounters.None);

    private static async Task<string> SignAsync(ECDsa key, NodeReport report)
    {
        using var signer = new EcdsaJwsSigner(ECDsa.Create(key.ExportParameters(includePrivateParameters: true)));
        return await Jws.SignAsync(signer, CanonicalJson.Serialize(report, ProtocolJsonContext.Default.NodeReport), JwsTypes.Report, Ct);
    }

    private static string Unsigned(NodeReport report) =>
        Base64Url(Encoding.UTF8.GetBytes("{\"alg\":\"none\",\"kid\":\"x\",\"typ\":\"" + JwsTypes.Report + "\"}")) + "." +
        Base64Url(CanonicalJson.Serialize(report, ProtocolJsonContext.Default.NodeReport)) + ".";

    private static string Base64Url(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);
}

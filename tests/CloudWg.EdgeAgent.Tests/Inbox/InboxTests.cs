using System.Text;
using CloudWg.EdgeAgent.Inbox;
using CloudWg.EdgeAgent.Tests.Fixtures;
using CloudWg.Protocol.Acceptance;
using CloudWg.Protocol.DesiredStates;
using CloudWg.Protocol.Json;
using CloudWg.Protocol.Jws;
using CloudWg.Protocol.Messages;
using CloudWg.Tests.Shared;

namespace CloudWg.EdgeAgent.Tests.Inbox;

/// <summary>The inbox against real Azurite: good deliveries, and every bad queue message and blob shape.</summary>
public sealed class InboxTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string NodeId = "node-a";
    private readonly TestSigner signer = new();
    private StorageNode storage = null!;
    private AgentUnderTest agent = null!;

    public async ValueTask InitializeAsync()
    {
        storage = await StorageNode.CreateAsync(azurite.Azurite);
        agent = NewAgent();
    }

    public ValueTask DisposeAsync()
    {
        agent.Dispose();
        signer.Dispose();
        return ValueTask.CompletedTask;
    }

    private AgentUnderTest NewAgent(Dictionary<string, string?>? overrides = null) => new(signer, storage.Enrollment(NodeId), overrides);

    private static DesiredState State(long version, string nodeId = NodeId) =>
        TestStates.Node(nodeId, version, "wg0", [TestStates.Peer(TestStates.NewPublicKey(), "10.99.0.2/32")]);

    private async Task<QueueNotification> InlineAsync(DesiredState state) =>
        new(state.NodeId, state.Version, TestSigner.Sha256(state), await signer.SignAsync(state));

    private async Task<int> PollAsync(AgentUnderTest? target = null) =>
        await (target ?? agent).Inbox.PollOnceAsync(TestContext.Current.CancellationToken);

    private async Task AssertRejectedAsync(string reason)
    {
        Assert.Equal(1, await PollAsync());
        Assert.Equal(1, agent.Rejections(reason));
        Assert.Equal(0, agent.Store.GetLastAcceptedVersion());
        Assert.Null(agent.Store.GetLatestAccepted());
        Assert.Equal(0, await storage.InboxCountAsync());
        Assert.Null(await agent.Reconciler.ReconcileAsync(null, "periodic", TestContext.Current.CancellationToken));
        Assert.Empty(agent.Driver.Applied);
        var status = Cli.StatusCommand.Collect(agent.Settings.StateDirectory, agent.Store, agent.Identity);
        Assert.Contains(status.Rejections, r => r.Reason == reason && r.Count == 1);
    }

    [Fact]
    public async Task Inline_notification_is_verified_accepted_applied_and_deleted()
    {
        await storage.NotifyAsync(await InlineAsync(State(3)));

        Assert.Equal(1, await PollAsync());
        Assert.Equal(3, agent.Store.GetLastAcceptedVersion());
        Assert.Equal("queue", agent.Store.GetLatestAccepted()!.Source);
        Assert.Equal(0, await storage.InboxCountAsync());
        var pass = await agent.Reconciler.ReconcileAsync(null, "document", TestContext.Current.CancellationToken);
        Assert.Equal(ReconcileOutcomes.Applied, pass!.Outcome);
        Assert.Equal([3L], agent.Driver.Applied);
        Assert.Empty(agent.Store.GetRejections());
    }

    [Fact]
    public async Task Notification_without_jws_fetches_the_blob_and_checks_its_hash()
    {
        var state = State(4);
        await storage.UploadAsync(await signer.SignAsync(state));
        await storage.NotifyAsync(new QueueNotification(NodeId, 4, TestSigner.Sha256(state), null));

        Assert.Equal(1, await PollAsync());
        Assert.Equal(4, agent.Store.GetLastAcceptedVersion());
        Assert.Equal("blob", agent.Store.GetLatestAccepted()!.Source);
    }

    [Fact]
    public async Task Duplicate_delivery_is_a_no_op_and_base64_messages_are_read()
    {
        var notification = await InlineAsync(State(5));
        await storage.NotifyAsync(notification);
        var json = CanonicalJson.Serialize(notification, ProtocolJsonContext.Default.QueueNotification);
        await storage.SendAsync(Convert.ToBase64String(json));

        Assert.Equal(2, await PollAsync());
        Assert.Equal(5, agent.Store.GetLastAcceptedVersion());
        Assert.Empty(agent.Store.GetRejections());
    }

    [Fact]
    public async Task Tampered_payload_is_rejected()
    {
        var state = State(2);
        var jws = await signer.SignAsync(state);
        var parts = jws.Split('.');
        var forged = state with { WireGuard = state.WireGuard with { ListenPort = 1 } };
        parts[1] = Base64UrlStrict.Encode(CanonicalJson.Serialize(forged));
        await storage.NotifyAsync(new QueueNotification(NodeId, 2, TestSigner.Sha256(forged), string.Join('.', parts)));

        await AssertRejectedAsync(RejectionCounters.KeyFor(JwsRejectReason.BadSignature));
    }

    [Fact]
    public async Task Document_for_another_node_is_rejected()
    {
        await storage.NotifyAsync(await InlineAsync(State(2, "node-b")));
        await AssertRejectedAsync(RejectionCounters.KeyFor(RejectReason.OtherNode));
    }

    [Fact]
    public async Task Older_version_is_rejected_after_a_newer_one()
    {
        await storage.NotifyAsync(await InlineAsync(State(7)));
        Assert.Equal(1, await PollAsync());
        await storage.NotifyAsync(await InlineAsync(State(6)));

        Assert.Equal(1, await PollAsync());
        Assert.Equal(1, agent.Rejections(RejectionCounters.KeyFor(RejectReason.OlderVersion)));
        Assert.Equal(7, agent.Store.GetLastAcceptedVersion());
        Assert.Equal([7L], agent.Store.GetAcceptedVersions());
    }

    [Fact]
    public async Task Unsigned_document_is_rejected()
    {
        var state = State(2);
        var header = Base64UrlStrict.Encode("{\"alg\":\"none\",\"kid\":\"config-1\",\"typ\":\"cloudwg-desired-state+jws\"}"u8);
        var unsigned = header + "." + Base64UrlStrict.Encode(CanonicalJson.Serialize(state)) + ".";
        await storage.NotifyAsync(new QueueNotification(NodeId, 2, TestSigner.Sha256(state), unsigned));

        Assert.Equal(1, await PollAsync());
        Assert.Equal(1, agent.Store.GetRejections().Sum(r => r.Count));
        Assert.StartsWith("jws", agent.Store.GetRejections().Single().Reason, StringComparison.Ordinal);
        Assert.Equal(0, agent.Store.GetLastAcceptedVersion());
    }

    [Fact]
    public async Task Document_signed_with_a_key_that_is_not_pinned_is_rejected()
    {
        using var impostor = new TestSigner();
        var state = State(2);
        await storage.NotifyAsync(new QueueNotification(NodeId, 2, TestSigner.Sha256(state), await impostor.SignAsync(state)));
        await AssertRejectedAsync(RejectionCounters.KeyFor(JwsRejectReason.BadSignature));
    }

    [Fact]
    public async Task Malformed_message_is_rejected()
    {
        await storage.SendAsync("{\"nodeId\": \"node-a\", \"version\": \"seven\"");
        await AssertRejectedAsync(RejectionCounters.InvalidNotification);
    }

    [Fact]
    public async Task Oversized_message_is_rejected()
    {
        agent.Dispose();
        agent = NewAgent(new() { ["Inbox:MaxMessageBytes"] = "256" });
        await storage.NotifyAsync(await InlineAsync(State(2)));
        await AssertRejectedAsync(RejectionKeys.OversizedMessage);
    }

    [Fact]
    public async Task Oversized_blob_is_rejected()
    {
        agent.Dispose();
        agent = NewAgent(new() { ["Inbox:MaxBlobBytes"] = "256" });
        var state = State(2);
        await storage.UploadAsync(await signer.SignAsync(state));
        await storage.NotifyAsync(new QueueNotification(NodeId, 2, TestSigner.Sha256(state), null));
        await AssertRejectedAsync(RejectionKeys.OversizedBlob);
    }

    [Fact]
    public async Task Blob_that_does_not_match_the_notification_hash_is_rejected()
    {
        var announced = State(2);
        await storage.UploadAsync(await signer.SignAsync(State(2)));
        await storage.NotifyAsync(new QueueNotification(NodeId, 2, TestSigner.Sha256(announced), null));
        await AssertRejectedAsync(RejectionCounters.HashMismatch);
    }

    [Fact]
    public async Task Garbage_blob_is_rejected()
    {
        await storage.UploadAsync("this is not a JWS");
        await storage.NotifyAsync(new QueueNotification(NodeId, 2, new string('a', 64), null));
        Assert.Equal(1, await PollAsync());
        Assert.StartsWith("jws", agent.Store.GetRejections().Single().Reason, StringComparison.Ordinal);
        Assert.Equal(0, agent.Store.GetLastAcceptedVersion());
    }

    [Fact]
    public async Task Valid_signature_over_an_invalid_document_is_rejected()
    {
        var state = State(2) with { WireGuard = State(2).WireGuard with { Mtu = 50 } };
        await storage.NotifyAsync(await InlineAsync(state));
        await AssertRejectedAsync(RejectionCounters.InvalidDocument);
    }

    [Fact]
    public async Task Poison_message_is_dropped_and_counted()
    {
        agent.Dispose();
        agent = NewAgent(new() { ["Inbox:MaxDequeueCount"] = "1", ["Inbox:VisibilityTimeout"] = "00:00:01" });
        var state = State(2);
        // The blob is missing, so every attempt fails transiently and the message comes back.
        await storage.NotifyAsync(new QueueNotification(NodeId, 2, TestSigner.Sha256(state), null));
        await Assert.ThrowsAsync<EdgeAgent.Storage.StorageRestException>(() => PollAsync());

        Assert.True(await Run.EventuallyAsync(async () => await PollAsync() == 1, TimeSpan.FromSeconds(30)));
        Assert.Equal(1, agent.Rejections(RejectionCounters.PoisonMessage));
        Assert.Equal(0, await storage.InboxCountAsync());
        Assert.Equal(0, agent.Store.GetLastAcceptedVersion());
    }

    [Fact]
    public async Task Refused_sas_asks_for_an_early_renewal()
    {
        agent.Dispose();
        var enrollment = storage.Enrollment(NodeId);
        var addOnly = storage.Inbox.GenerateSasUri(Azure.Storage.Sas.QueueSasPermissions.Add, DateTimeOffset.UtcNow.AddDays(1)).ToString();
        agent = new AgentUnderTest(signer, enrollment with { InboxUrl = addOnly });
        var e = await Assert.ThrowsAsync<EdgeAgent.Storage.StorageRestException>(() => PollAsync());
        Assert.True(e.IsAuthorizationFailure);
        Assert.DoesNotContain("sig=", e.Message, StringComparison.Ordinal);

        using var inbox = agent.Inbox;
        await inbox.StartAsync(TestContext.Current.CancellationToken);
        var trigger = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<EdgeAgent.Enrollment.RenewalTrigger>(agent.Services);
        Assert.True(await Run.EventuallyAsync(() => Task.FromResult(trigger.IsPending), TimeSpan.FromSeconds(30)));
        await inbox.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Apply_from_file_goes_through_the_same_checks()
    {
        var good = await signer.SignAsync(State(9));
        var first = agent.Intake.Offer(good, "file");
        Assert.True(first.Outcome == IntakeOutcome.Accepted, $"{first.Reason}: {first.Detail}");
        Assert.Equal(IntakeOutcome.Duplicate, agent.Intake.Offer(good, "file").Outcome);
        var bad = agent.Intake.Offer(Encoding.ASCII.GetString(Encoding.ASCII.GetBytes(good[..^4] + "AAAA")), "file");
        Assert.Equal(IntakeOutcome.Rejected, bad.Outcome);
        Assert.Equal(9, agent.Store.GetLastAcceptedVersion());
    }
}

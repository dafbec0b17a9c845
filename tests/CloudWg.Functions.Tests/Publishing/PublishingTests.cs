using System.Net;
using System.Text;
using Azure.Storage.Blobs.Models;
using CloudWg.Functions.Peers;
using CloudWg.Functions.Publishing;
using CloudWg.Functions.Tests.Infrastructure;
using CloudWg.Protocol;
using CloudWg.Protocol.Json;
using CloudWg.Protocol.Jws;
using CloudWg.Protocol.Messages;
using CloudWg.Tests.Shared;
using Microsoft.Extensions.Time.Testing;

namespace CloudWg.Functions.Tests.Publishing;

public sealed class PublishingTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Fifty_concurrent_mutations_end_in_a_highest_version_holding_all_with_a_blob_that_never_regresses()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = await FleetApp.StartAsync(azurite);
        var clients = Enumerable.Range(0, 4).Select(i => app.Client(user: $"c{i}")).ToArray();
        var nodeId = (await clients[0].CreateNodeAsync()).Str("id");
        var blobs = app.Get<DesiredStateBlobs>();
        var keys = Enumerable.Range(0, 50).Select(_ => Api.NewKey()).ToList();

        using var done = new CancellationTokenSource();
        var samples = new List<long>();
        var sampler = Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                var blob = await blobs.ReadVerifiedAsync(nodeId, ct);
                samples.Add(blob.Document?.Version ?? 0);
                await Task.Delay(5, ct);
            }
        }, ct);

        var responses = await Task.WhenAll(keys.Select((key, i) =>
            clients[i % clients.Length].PostAsync($"/api/nodes/{nodeId}/peers", Api.Json(new { name = $"p{i}", publicKey = key }), ct)));
        await done.CancelAsync();
        await sampler;

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        Assert.True(samples.Count > 1, "the sampler ran during the mutations");
        for (var i = 1; i < samples.Count; i++)
        {
            Assert.True(samples[i] >= samples[i - 1], $"blob version went from {samples[i - 1]} to {samples[i]}");
        }

        var trust = await app.Get<ISigningKeys>().GetTrustBundleAsync(ct);
        var latest = await blobs.ReadVerifiedAsync(nodeId, ct);
        var publication = await app.Get<PublicationStore>().GetAsync(nodeId, ct);
        Assert.NotNull(latest.Document);
        Assert.Equal(publication!.PublishedVersion, latest.Document.Version);
        Assert.True(latest.Document.Version >= 51, "one version for the node, one per mutation at least");
        Assert.Equal(keys.Order(StringComparer.Ordinal), latest.Document.WireGuard.Peers.Select(p => p.PublicKey).Order(StringComparer.Ordinal));

        var messages = await DrainAsync(app, nodeId);
        Assert.NotEmpty(messages);
        var verifier = new JwsVerifier(trust);
        foreach (var notification in messages)
        {
            Assert.Equal(nodeId, notification.NodeId);
            Assert.NotNull(notification.Jws);
            var result = verifier.Verify(notification.Jws, JwsTypes.DesiredState);
            Assert.True(result.IsValid, result.ToString());
            Assert.Equal(notification.Sha256, ContentHash.Sha256Hex(result.Payload));
            var state = CanonicalJson.Deserialize(result.Payload);
            Assert.Equal(notification.Version, state.Version);
            Assert.Equal(nodeId, state.NodeId);
        }

        Assert.Contains(messages, m => m.Version == latest.Document.Version);
        foreach (var client in clients)
        {
            client.Dispose();
        }
    }

    [Fact]
    public async Task Republish_resends_deleted_queue_messages_and_replaces_a_garbage_blob()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = await FleetApp.StartAsync(azurite);
        using var client = app.Client();
        var nodeId = (await client.CreateNodeAsync()).Str("id");
        var key = Api.NewKey();
        await client.CreatePeerAsync(nodeId, key: key);
        var republisher = app.Get<Republisher>();
        var publication = await app.Get<PublicationStore>().GetAsync(nodeId, ct);

        // Nothing to do when everything is in place.
        var quiet = await republisher.RunAsync(ct);
        Assert.DoesNotContain(nodeId, quiet.Republished);
        Assert.DoesNotContain(nodeId, quiet.Renotified);

        // Lost notifications: the same version is announced again.
        await app.Get<NodePublisher>().Queue(nodeId).ClearMessagesAsync(ct);
        var renotify = await republisher.RunAsync(ct);
        Assert.Contains(nodeId, renotify.Renotified);
        var resent = Assert.Single(await DrainAsync(app, nodeId));
        Assert.Equal(publication!.PublishedVersion, resent.Version);
        Assert.True(new JwsVerifier(await app.Get<ISigningKeys>().GetTrustBundleAsync(ct)).Verify(resent.Jws!, JwsTypes.DesiredState).IsValid);

        // A garbage blob with forged metadata claiming a huge version: replaced by a new, higher, valid version.
        var blob = app.Get<DesiredStateBlobs>().Blob(nodeId);
        await blob.UploadAsync(BinaryData.FromString("garbage"), new BlobUploadOptions { Metadata = new Dictionary<string, string> { ["version"] = "999999999" } }, ct);
        var repair = await republisher.RunAsync(ct);
        Assert.Contains(nodeId, repair.Republished);
        var healed = await app.Get<DesiredStateBlobs>().ReadVerifiedAsync(nodeId, ct);
        Assert.NotNull(healed.Document);
        Assert.True(healed.Document.Version > publication.PublishedVersion);
        Assert.Equal(key, Assert.Single(healed.Document.WireGuard.Peers).PublicKey);
        Assert.Contains(await DrainAsync(app, nodeId), m => m.Version == healed.Document.Version);

        // A deleted blob is healed too.
        await blob.DeleteAsync(cancellationToken: ct);
        Assert.Contains(nodeId, (await republisher.RunAsync(ct)).Republished);
        Assert.NotNull((await app.Get<DesiredStateBlobs>().ReadVerifiedAsync(nodeId, ct)).Document);
    }

    [Fact]
    public async Task Republish_publishes_when_storage_changed_without_a_publish()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = await FleetApp.StartAsync(azurite);
        using var client = app.Client();
        var nodeId = (await client.CreateNodeAsync()).Str("id");
        var peer = await client.CreatePeerAsync(nodeId);
        var stored = await app.Get<PeerStore>().GetAsync(peer.Str("id"), ct);

        // As if the instance died after committing but before publishing.
        await app.Get<PeerStore>().UpdateAsync(stored!, stored! with { Enabled = false }, stored!.ETag, ct);
        Assert.Single((await app.Get<DesiredStateBlobs>().ReadVerifiedAsync(nodeId, ct)).Document!.WireGuard.Peers);

        var report = await app.Get<Republisher>().RunAsync(ct);
        Assert.Contains(nodeId, report.Republished);
        Assert.Empty((await app.Get<DesiredStateBlobs>().ReadVerifiedAsync(nodeId, ct)).Document!.WireGuard.Peers);
    }

    [Fact]
    public async Task Disabled_and_expired_peers_are_left_out_and_the_expiry_timer_deletes_expired_ones()
    {
        var ct = TestContext.Current.CancellationToken;
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await FleetApp.StartAsync(azurite, time);
        using var client = app.Client();
        var nodeId = (await client.CreateNodeAsync()).Str("id");
        var keep = await client.CreatePeerAsync(nodeId, "keep");
        var off = await client.CreateAsync($"/api/nodes/{nodeId}/peers", new { name = "off", publicKey = Api.NewKey(), enabled = false });
        var temporary = await client.CreateAsync($"/api/nodes/{nodeId}/peers", new { name = "temp", publicKey = Api.NewKey(), expiresAt = time.GetUtcNow().AddHours(1) });

        var preview = await (await client.GetAsync($"/api/nodes/{nodeId}/desired-state", ct)).ReadObjectAsync();
        Assert.True((bool)preview["inSync"]!);
        var published = preview["desiredState"]!["wireguard"]!["peers"]!.AsArray().Select(p => (string)p!["publicKey"]!).ToList();
        Assert.Equal(new[] { keep.Str("publicKey"), temporary.Str("publicKey") }.Order(StringComparer.Ordinal), published.Order(StringComparer.Ordinal));
        Assert.DoesNotContain(off.Str("publicKey"), published);

        time.Advance(TimeSpan.FromHours(2));
        var stale = await (await client.GetAsync($"/api/nodes/{nodeId}/desired-state", ct)).ReadObjectAsync();
        Assert.False((bool)stale["inSync"]!, "an expired peer makes the published state stale");
        Assert.Contains(nodeId, (await app.Get<Republisher>().RunAsync(ct)).Republished);
        var state = (await app.Get<DesiredStateBlobs>().ReadVerifiedAsync(nodeId, ct)).Document!;
        Assert.Equal([keep.Str("publicKey")], state.WireGuard.Peers.Select(p => p.PublicKey));

        var expiry = await app.Get<PeerExpiry>().RunAsync(ct);
        Assert.Equal([temporary.Str("id")], expiry.ExpiredPeers);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/peers/{temporary.Str("id")}", ct)).StatusCode);
        var reused = await client.CreatePeerAsync(nodeId, "reuses-the-address");
        Assert.Equal(temporary["addresses"]![0]!.ToString(), (string)reused["addresses"]![0]!);
    }

    [Fact]
    public async Task The_signing_key_is_created_0600_in_the_state_directory_and_signs_what_the_trust_bundle_verifies()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = await FleetApp.StartAsync(azurite);
        using var client = app.Client();
        var nodeId = (await client.CreateNodeAsync()).Str("id");

        var path = Path.Combine(app.StateDirectory, CloudWg.Functions.Pki.LocalConfigSigningKeys.CurrentFile);
        Assert.True(File.Exists(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        var bundle = await app.Get<ISigningKeys>().GetTrustBundleAsync(ct);
        Assert.Equal((await app.Get<ISigningKeys>().GetSignerAsync(ct)).KeyId, Assert.Single(bundle.Keys).Kid);
        Assert.Empty(bundle.Validate());

        var compact = (await app.Get<DesiredStateBlobs>().Blob(nodeId).DownloadContentAsync(ct)).Value.Content.ToString();
        Assert.True(new JwsVerifier(bundle).Verify(compact, JwsTypes.DesiredState).IsValid);
        Assert.False(new JwsVerifier(TrustBundle.FromKeys(EcdsaJwsSigner.Create().PublicJwk)).Verify(compact, JwsTypes.DesiredState).IsValid);
    }

    [Fact]
    public async Task A_large_state_is_announced_without_inline_jws_but_with_the_payload_hash()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = await FleetApp.StartAsync(azurite);
        using var client = app.Client();
        var nodeId = (await client.CreateNodeAsync("10.44.0.0/22")).Str("id");
        var publisher = app.Get<NodePublisher>();
        var peers = app.Get<PeerStore>();
        var now = DateTimeOffset.UtcNow;
        await Task.WhenAll(Enumerable.Range(0, 1000).Select(i => peers.CreateAsync(
            new Peer($"{nodeId}-p{i:D12}", nodeId, $"p{i}", Api.NewKey(), null, [$"10.44.{(i + 2) / 256}.{(i + 2) % 256}/32"], [$"10.44.{(i + 2) / 256}.{(i + 2) % 256}/32"], null, true, null, null, now, now),
            ct)));
        await publisher.Queue(nodeId).ClearMessagesAsync(ct);

        var result = await publisher.PublishAsync(nodeId, ct);
        var notification = Assert.Single(await DrainAsync(app, nodeId));
        Assert.Null(notification.Jws);
        Assert.Equal(result!.Sha256, notification.Sha256);
        var blob = await app.Get<DesiredStateBlobs>().ReadVerifiedAsync(nodeId, ct);
        Assert.Equal(notification.Sha256, blob.Sha256);
        Assert.Equal(1000, blob.Document!.WireGuard.Peers.Count);
        Assert.True(Encoding.UTF8.GetByteCount(blob.Compact!) > QueueNotification.MaxInlineBytes);
    }

    private static async Task<List<QueueNotification>> DrainAsync(FleetApp app, string nodeId)
    {
        var queue = app.Get<NodePublisher>().Queue(nodeId);
        var all = new List<QueueNotification>();
        while (true)
        {
            var batch = (await queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(5))).Value;
            if (batch.Length == 0)
            {
                return all;
            }

            foreach (var message in batch)
            {
                all.Add(CanonicalJson.Deserialize<QueueNotification>(message.Body.ToMemory().Span));
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
            }
        }
    }
}

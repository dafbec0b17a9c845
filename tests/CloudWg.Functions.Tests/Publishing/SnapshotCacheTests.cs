using System.Net;
using Azure;
using Azure.Data.Tables;
using CloudWg.Functions.Publishing;
using CloudWg.Functions.Tests.Infrastructure;
using CloudWg.Tests.Shared;

namespace CloudWg.Functions.Tests.Publishing;

/// <summary>
/// A publishing instance reuses the peers it read while the node's peer stamp is unchanged (SnapshotLoader). These
/// run two instances of the control plane on the same storage (and signing key), as Azure scales out.
/// </summary>
public sealed class SnapshotCacheTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task The_cache_keeps_at_most_its_bound_of_peers_and_forgets_deleted_nodes()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = await FleetApp.StartAsync(azurite);
        using var client = app.Client();
        var small = (await client.CreateNodeAsync()).Str("id");
        var other = (await client.CreateNodeAsync("10.45.0.0/24")).Str("id");
        var large = (await client.CreateNodeAsync("10.46.0.0/24")).Str("id");
        foreach (var (id, count) in new[] { (small, 3), (other, 3), (large, 6) })
        {
            for (var i = 0; i < count; i++)
            {
                await client.CreatePeerAsync(id, key: Api.NewKey());
            }
        }

        var loader = new SnapshotLoader(
            app.Get<CloudWg.Functions.Nodes.NodeStore>(), app.Get<CloudWg.Functions.Peers.PeerStore>(),
            app.Get<CloudWg.Functions.Routes.RouteStore>(), app.Get<CloudWg.Functions.FirewallRules.FirewallRuleStore>(), maxCachedPeers: 5);

        Assert.Equal(3, (await loader.LoadAsync(small, ct))!.Peers.Count);
        Assert.Equal(3, loader.CachedPeers);
        Assert.Equal(3, (await loader.LoadAsync(other, ct))!.Peers.Count);
        Assert.Equal(3, loader.CachedPeers); // the first list made room
        Assert.Equal(6, (await loader.LoadAsync(large, ct))!.Peers.Count);
        Assert.Equal(3, loader.CachedPeers); // larger than the bound: read, never kept
        Assert.Equal(3, (await loader.LoadAsync(small, ct))!.Peers.Count);

        var node = await client.GetAsync($"/api/nodes/{small}", ct);
        using var delete = new HttpRequestMessage(HttpMethod.Delete, $"/api/nodes/{small}");
        delete.Headers.TryAddWithoutValidation("If-Match", node.Headers.ETag!.ToString());
        Assert.Equal(HttpStatusCode.NoContent, (await client.SendAsync(delete, ct)).StatusCode);
        Assert.Null(await loader.LoadAsync(small, ct));
        Assert.Equal(0, loader.CachedPeers);
    }

    [Fact]
    public async Task A_publish_holds_every_peer_write_made_on_another_instance_since_this_one_last_read_the_peers()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var first = await FleetApp.StartAsync(azurite);
        using var a = first.Client();
        var nodeId = (await a.CreateNodeAsync()).Str("id");
        var peers = new List<(string Key, System.Text.Json.Nodes.JsonObject Peer)>();
        for (var i = 0; i < 3; i++)
        {
            var key = Api.NewKey();
            peers.Add((key, await a.CreatePeerAsync(nodeId, key: key)));
        }

        await using var second = await StartSecondAsync(first);
        using var b = second.Client(user: "bob");
        var publisher = first.Get<NodePublisher>();
        var blobs = first.Get<DesiredStateBlobs>();
        var expected = peers.Select(p => p.Key).ToHashSet();

        async Task PublishOnFirstAndCheckAsync(string step)
        {
            var result = await publisher.PublishAsync(nodeId, ct);
            Assert.False(result!.Superseded, step);
            var document = (await blobs.ReadVerifiedAsync(nodeId, ct)).Document!;
            Assert.Equal(result.Version, document.Version);
            Assert.True(expected.SetEquals(document.WireGuard.Peers.Select(p => p.PublicKey)), step);
        }

        await PublishOnFirstAndCheckAsync("before any change");

        var added = Api.NewKey();
        await b.CreatePeerAsync(nodeId, key: added);
        expected.Add(added);
        await PublishOnFirstAndCheckAsync("a peer created on the other instance");

        var disable = await b.PatchAsync($"/api/peers/{peers[0].Peer.Str("id")}", new { enabled = false }, peers[0].Peer.Str("etag"));
        Assert.Equal(HttpStatusCode.OK, disable.StatusCode);
        expected.Remove(peers[0].Key);
        await PublishOnFirstAndCheckAsync("a peer disabled on the other instance");

        var delete = await b.DeleteAsync($"/api/peers/{peers[1].Peer.Str("id")}", peers[1].Peer.Str("etag"));
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        expected.Remove(peers[1].Key);
        await PublishOnFirstAndCheckAsync("a peer deleted on the other instance");

        // A route change on this instance leaves the peers as they are: its publish holds them and the route.
        var route = await a.CreateAsync($"/api/nodes/{nodeId}/routes", new { sni = new[] { "app.example.com" }, peerId = peers[2].Peer.Str("id"), port = 8080 });
        await PublishOnFirstAndCheckAsync("a route added here");
        var l4 = (await blobs.ReadVerifiedAsync(nodeId, ct)).Document!.L4;
        Assert.Equal(route.Str("id"), Assert.Single(Assert.Single(l4.Servers).Routes).Id);

        var late = Api.NewKey();
        await b.CreatePeerAsync(nodeId, key: late);
        expected.Add(late);
        await PublishOnFirstAndCheckAsync("a peer created on the other instance after the route");
    }

    [Fact]
    public async Task Concurrent_peer_creations_on_two_instances_end_in_a_highest_version_holding_all()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var first = await FleetApp.StartAsync(azurite);
        using var a = first.Client();
        var nodeId = (await a.CreateNodeAsync()).Str("id");
        List<string> keys = [Api.NewKey()];
        await a.CreatePeerAsync(nodeId, key: keys[0]);
        await using var second = await StartSecondAsync(first);
        using var b = second.Client(user: "bob");
        keys.Add(Api.NewKey());
        await b.CreatePeerAsync(nodeId, key: keys[1]);

        // Both instances hold the node's peers now; forty more arrive through both at once.
        var burst = Enumerable.Range(0, 40).Select(_ => Api.NewKey()).ToList();
        var responses = await Task.WhenAll(burst.Select((key, i) =>
            (i % 2 == 0 ? a : b).PostAsync($"/api/nodes/{nodeId}/peers", Api.Json(new { name = $"p{i}", publicKey = key }), ct)));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        keys.AddRange(burst);

        var latest = await first.Get<DesiredStateBlobs>().ReadVerifiedAsync(nodeId, ct);
        var publication = await first.Get<PublicationStore>().GetAsync(nodeId, ct);
        Assert.Equal(publication!.PublishedVersion, latest.Document!.Version);
        Assert.Equal(keys.Order(StringComparer.Ordinal), latest.Document.WireGuard.Peers.Select(p => p.PublicKey).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_republish_timer_publishes_a_peer_row_written_past_the_store()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = await FleetApp.StartAsync(azurite);
        using var client = app.Client();
        var nodeId = (await client.CreateNodeAsync()).Str("id");
        var peer = await client.CreatePeerAsync(nodeId);
        await client.CreatePeerAsync(nodeId);
        Assert.Equal(2, (await app.Get<DesiredStateBlobs>().ReadVerifiedAsync(nodeId, ct)).Document!.WireGuard.Peers.Count);

        // By hand, as in a storage explorer: the node's peer stamp stays as it was.
        var row = new TableEntity(nodeId, peer.Str("id")) { ["Enabled"] = false };
        await app.Storage.Table("peers").UpdateEntityAsync(row, ETag.All, TableUpdateMode.Merge, ct);

        var report = await app.Get<Republisher>().RunAsync(ct);
        Assert.Contains(nodeId, report.Republished);
        var document = (await app.Get<DesiredStateBlobs>().ReadVerifiedAsync(nodeId, ct)).Document!;
        Assert.Single(document.WireGuard.Peers);
        Assert.DoesNotContain(nodeId, (await app.Get<Republisher>().RunAsync(ct)).Republished);
    }

    /// <summary>A second instance: same storage prefix, same state directory (so the same config-signing key).</summary>
    private Task<FleetApp> StartSecondAsync(FleetApp first) => FleetApp.StartAsync(azurite, settings: new Dictionary<string, string?>
    {
        ["CloudWg:Storage:Prefix"] = first.Prefix,
        ["CloudWg:StateDirectory"] = first.StateDirectory,
    });
}

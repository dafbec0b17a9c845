using Azure;
using Azure.Data.Tables;
using CloudWg.Functions.Peers;
using CloudWg.Functions.Tests.Infrastructure;
using CloudWg.Functions.Validation;
using CloudWg.Tests.Shared;

namespace CloudWg.Functions.Tests.Peers;

public sealed class PeerStoreTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Every_peer_write_replaces_the_node_stamp_and_only_that_node_s()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = await FleetApp.StartAsync(azurite);
        var store = app.Get<PeerStore>();
        const string NodeId = "naaaaaaaaaaaa";
        const string Other = "nbbbbbbbbbbbb";
        Assert.Null(await store.GetStampAsync(NodeId, ct));

        var peer = (await store.CreateAsync(NewPeer(NodeId, ResourceIds.NewChildId(NodeId, ResourceIds.Peer), 2), ct))!;
        await store.CreateAsync(NewPeer(Other, ResourceIds.NewChildId(Other, ResourceIds.Peer), 2), ct);
        var seen = new List<string?> { await store.GetStampAsync(NodeId, ct) };
        var other = await store.GetStampAsync(Other, ct);

        peer = (await store.UpdateAsync(peer, peer with { Enabled = false }, peer.ETag, ct))!;
        seen.Add(await store.GetStampAsync(NodeId, ct));
        peer = (await store.UpdateAsync(peer, peer with { PublicKey = Api.NewKey() }, peer.ETag, ct))!;
        seen.Add(await store.GetStampAsync(NodeId, ct));
        await store.DeleteAsync(peer, peer.ETag, ct);
        seen.Add(await store.GetStampAsync(NodeId, ct));

        // A peer whose key claim is already gone is deleted alone, and that write replaces the stamp too.
        var orphan = (await store.CreateAsync(NewPeer(NodeId, ResourceIds.NewChildId(NodeId, ResourceIds.Peer), 3), ct))!;
        seen.Add(await store.GetStampAsync(NodeId, ct));
        var table = app.Storage.Table("peers");
        var claims = TableClient.CreateQueryFilter($"PartitionKey eq {NodeId} and RowKey ge {"pk."} and RowKey lt {"pk/"}");
        await foreach (var claim in table.QueryAsync<TableEntity>(claims, cancellationToken: ct))
        {
            await table.DeleteEntityAsync(claim.PartitionKey, claim.RowKey, ETag.All, ct);
        }

        await store.DeleteAsync(orphan, orphan.ETag, ct);
        seen.Add(await store.GetStampAsync(NodeId, ct));
        Assert.Null(await store.GetAsync(orphan.Id, ct));

        // A failed write (a stale ETag) leaves it alone.
        var third = (await store.CreateAsync(NewPeer(NodeId, ResourceIds.NewChildId(NodeId, ResourceIds.Peer), 4), ct))!;
        seen.Add(await store.GetStampAsync(NodeId, ct));
        await store.UpdateAsync(third, third with { Enabled = false }, third.ETag, ct);
        seen.Add(await store.GetStampAsync(NodeId, ct));
        var stale = await Assert.ThrowsAsync<RequestFailedException>(() => store.UpdateAsync(third, third with { Notes = "late" }, third.ETag, ct));
        Assert.Equal(412, stale.Status);
        Assert.Equal(seen[^1], await store.GetStampAsync(NodeId, ct));

        Assert.All(seen, s => Assert.NotNull(s));
        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Equal(other, await store.GetStampAsync(Other, ct));

        await store.DeletePartitionAsync(NodeId, ct);
        Assert.Null(await store.GetStampAsync(NodeId, ct));
    }

    [Fact]
    public async Task The_publishing_read_returns_every_peer_row_of_the_node_with_the_compiled_columns()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = await FleetApp.StartAsync(azurite);
        var store = app.Get<PeerStore>();
        var nodeId = ResourceIds.NewNodeId();
        var otherNode = ResourceIds.NewNodeId();

        // Ids starting with every character of the alphabet, ids on and next to the range splits, ids outside the
        // alphabet, and over a page (1,000 rows) within one range.
        var ids = new List<string>();
        foreach (var c in "234567abcdefghijklmnopqrstuvwxyz")
        {
            ids.Add($"{nodeId}-p{c}aaaaaaaaaaa");
            ids.Add($"{nodeId}-p{c}77777777777");
        }

        ids.AddRange([$"{nodeId}-p", $"{nodeId}-p0", $"{nodeId}-p6", $"{nodeId}-pc", $"{nodeId}-pw", $"{nodeId}-p~~~~", $"{nodeId}-p{new string('z', 30)}"]);
        ids.AddRange(Enumerable.Range(0, 1_100).Select(i => $"{nodeId}-pm{i:D11}"));
        // Whole seconds, so the comparison does not depend on the precision storage keeps.
        var now = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var peers = ids.Select((id, i) => NewPeer(nodeId, id, i + 2) with
        {
            CreatedAt = now.AddSeconds(i),
            Enabled = i % 5 != 0,
            PersistentKeepalive = i % 3 == 0 ? 25 : null,
            ExpiresAt = i % 7 == 0 ? now.AddDays(1) : null,
            PresharedKey = i % 2 == 0 ? Api.NewKey() : null,
            AllowedIps = i % 11 == 0 ? ["192.168.50.0/24"] : [$"10.44.{(i + 2) / 256}.{(i + 2) % 256}/32"],
        }).ToList();
        await Parallel.ForEachAsync(peers, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (p, token) =>
            Assert.NotNull(await store.CreateAsync(p, token)));
        await store.CreateAsync(NewPeer(otherNode, $"{otherNode}-paaaaaaaaaaaa", 2), ct);

        var read = await store.ListForPublishingAsync(nodeId, ct);
        Assert.Equal(ids.Order(StringComparer.Ordinal), read.Select(p => p.Id));
        var full = await store.ListAsync(nodeId, ct);
        Assert.Equal(read.Select(p => p.Id), full.Select(p => p.Id));
        var written = peers.ToDictionary(p => p.Id);
        foreach (var peer in read)
        {
            var expected = written[peer.Id];
            Assert.Equal(nodeId, peer.NodeId);
            Assert.Equal(expected.PublicKey, peer.PublicKey);
            Assert.Equal(expected.PresharedKey, peer.PresharedKey);
            Assert.Equal(expected.Addresses, peer.Addresses);
            Assert.Equal(expected.AllowedIps, peer.AllowedIps);
            Assert.Equal(expected.PersistentKeepalive, peer.PersistentKeepalive);
            Assert.Equal(expected.Enabled, peer.Enabled);
            Assert.Equal(expected.ExpiresAt, peer.ExpiresAt);
            Assert.Equal(expected.CreatedAt, peer.CreatedAt);
            Assert.Equal("", peer.Name);
        }

        Assert.All(full, p => Assert.Equal(written[p.Id].Name, p.Name));
    }

    private static Peer NewPeer(string nodeId, string id, int host)
    {
        var now = DateTimeOffset.UtcNow;
        List<string> addresses = [$"10.44.{host / 256}.{host % 256}/32"];
        return new Peer(id, nodeId, $"peer {host}", Api.NewKey(), null, addresses, addresses, null, true, null, null, now, now);
    }
}

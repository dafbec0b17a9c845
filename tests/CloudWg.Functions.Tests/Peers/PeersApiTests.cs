using System.Net;
using CloudWg.Functions.Tests.Infrastructure;
using CloudWg.Tests.Shared;

namespace CloudWg.Functions.Tests.Peers;

public sealed class PeersApiTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Addresses_are_allocated_from_both_networks_and_freed_on_delete()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = await FleetApp.StartAsync(azurite);
        using var client = app.Client();
        var node = await client.CreateNodeAsync("10.44.0.0/24", "fd00:44::/64");
        var nodeId = node.Str("id");

        var first = await client.CreatePeerAsync(nodeId, "phone");
        Assert.Equal(["10.44.0.2/32", "fd00:44::2/128"], first["addresses"]!.AsArray().Select(a => (string)a!));
        Assert.Equal(["10.44.0.2/32", "fd00:44::2/128"], first["allowedIps"]!.AsArray().Select(a => (string)a!));
        Assert.True((bool)first["enabled"]!);
        Assert.Equal(nodeId, first.Str("nodeId"));

        var second = await client.CreatePeerAsync(nodeId, "laptop");
        Assert.Equal("10.44.0.3/32", (string)second["addresses"]![0]!);

        var deleted = await client.DeleteAsync($"/api/peers/{first.Str("id")}", first.Str("etag"));
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        var third = await client.CreatePeerAsync(nodeId, "tablet");
        Assert.Equal("10.44.0.2/32", (string)third["addresses"]![0]!);

        var list = await client.GetAsync($"/api/nodes/{nodeId}/peers", ct);
        Assert.Equal(2, (await list.Content.ReadAsStringAsync(ct)).Split("\"publicKey\"").Length - 1);
    }

    [Fact]
    public async Task Explicit_addresses_are_claimed_and_a_taken_one_is_409()
    {
        await using var app = await FleetApp.StartAsync(azurite);
        using var client = app.Client();
        var nodeId = (await client.CreateNodeAsync()).Str("id");

        var peer = await client.CreateAsync($"/api/nodes/{nodeId}/peers", new { name = "server", publicKey = Api.NewKey(), addresses = new[] { "10.44.0.100/32" }, allowedIps = new[] { "10.44.0.100/32", "192.168.50.0/24" } });
        Assert.Equal("10.44.0.100/32", (string)peer["addresses"]![0]!);
        Assert.Equal("192.168.50.0/24", (string)peer["allowedIps"]![1]!);

        var taken = await client.PostAsync($"/api/nodes/{nodeId}/peers", Api.Json(new { name = "other", publicKey = Api.NewKey(), addresses = new[] { "10.44.0.100/32" } }), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Conflict, taken.StatusCode);
        Assert.True(taken.IsProblem());

        var overlap = await client.PostAsync($"/api/nodes/{nodeId}/peers", Api.Json(new { name = "overlap", publicKey = Api.NewKey(), allowedIps = new[] { "192.168.50.128/25" } }), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Conflict, overlap.StatusCode);
        Assert.Contains("overlaps", (await overlap.ReadObjectAsync()).Str("detail"));
    }

    [Fact]
    public async Task Same_public_key_on_one_node_is_409_but_fine_on_another_node()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = await FleetApp.StartAsync(azurite);
        using var client = app.Client();
        var a = (await client.CreateNodeAsync()).Str("id");
        var b = (await client.CreateNodeAsync()).Str("id");
        var key = Api.NewKey();
        await client.CreatePeerAsync(a, key: key);

        var duplicate = await client.PostAsync($"/api/nodes/{a}/peers", Api.Json(new { name = "again", publicKey = key }), ct);
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        Assert.Contains("public key", (await duplicate.ReadObjectAsync()).Str("detail"));
        await client.CreatePeerAsync(b, key: key);

        // The failed attempt released the address it had claimed.
        var next = await client.CreatePeerAsync(a);
        Assert.Equal("10.44.0.3/32", (string)next["addresses"]![0]!);
    }

    [Fact]
    public async Task Concurrent_duplicate_keys_create_exactly_one_peer()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = await FleetApp.StartAsync(azurite);
        using var client = app.Client();
        var nodeId = (await client.CreateNodeAsync()).Str("id");
        var key = Api.NewKey();

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            client.PostAsync($"/api/nodes/{nodeId}/peers", Api.Json(new { name = $"p{i}", publicKey = key }), ct)));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.Created), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
    }

    [Fact]
    public async Task A_full_network_is_409_and_never_hands_out_reserved_addresses()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = await FleetApp.StartAsync(azurite);
        using var client = app.Client();
        var nodeId = (await client.CreateNodeAsync("10.44.0.0/29")).Str("id");

        var addresses = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            addresses.Add((string)(await client.CreatePeerAsync(nodeId, $"p{i}"))["addresses"]![0]!);
        }

        Assert.Equal(["10.44.0.2/32", "10.44.0.3/32", "10.44.0.4/32", "10.44.0.5/32", "10.44.0.6/32"], addresses);
        var full = await client.PostAsync($"/api/nodes/{nodeId}/peers", Api.Json(new { name = "one-too-many", publicKey = Api.NewKey() }), ct);
        Assert.Equal(HttpStatusCode.Conflict, full.StatusCode);
        Assert.Contains("no free address", (await full.ReadObjectAsync()).Str("detail"));

        foreach (var reserved in new[] { "10.44.0.0/32", "10.44.0.1/32", "10.44.0.7/32", "10.45.0.9/32" })
        {
            var response = await client.PostAsync($"/api/nodes/{nodeId}/peers", Api.Json(new { name = "x", publicKey = Api.NewKey(), addresses = new[] { reserved } }), ct);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.True((await response.ReadObjectAsync())["errors"]!.AsObject().ContainsKey("addresses[0]"), reserved);
        }
    }

    [Fact]
    public async Task Two_clients_patching_with_the_same_etag_get_one_200_and_one_412()
    {
        await using var app = await FleetApp.StartAsync(azurite);
        using var alice = app.Client(user: "alice");
        using var bob = app.Client(user: "bob");
        var nodeId = (await alice.CreateNodeAsync()).Str("id");
        var peer = await alice.CreatePeerAsync(nodeId);
        var path = $"/api/peers/{peer.Str("id")}";

        var results = await Task.WhenAll(
            alice.PatchAsync(path, new { name = "alice-was-here" }, peer.Str("etag")),
            bob.PatchAsync(path, new { notes = "bob-was-here" }, peer.Str("etag")));

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.PreconditionFailed], results.Select(r => r.StatusCode).Order());
        var lost = results.Single(r => r.StatusCode == HttpStatusCode.PreconditionFailed);
        Assert.True(lost.IsProblem());
        Assert.Contains("reload", (await lost.ReadObjectAsync()).Str("detail"));
    }

    [Fact]
    public async Task Two_hundred_concurrent_creations_from_four_clients_get_distinct_unreserved_addresses()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = await FleetApp.StartAsync(azurite);
        var clients = Enumerable.Range(0, 4).Select(i => app.Client(user: $"client{i}")).ToArray();
        var nodeId = (await clients[0].CreateNodeAsync("10.44.0.0/24")).Str("id");

        var responses = await Task.WhenAll(Enumerable.Range(0, 200).Select(i =>
            clients[i % clients.Length].PostAsync($"/api/nodes/{nodeId}/peers", Api.Json(new { name = $"peer-{i}", publicKey = Api.NewKey() }), ct)));

        var bodies = new List<string>();
        foreach (var response in responses)
        {
            Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync(ct));
            bodies.Add((string)(await response.ReadObjectAsync())["addresses"]![0]!);
        }

        Assert.Equal(200, bodies.Distinct().Count());
        Assert.DoesNotContain("10.44.0.0/32", bodies);
        Assert.DoesNotContain("10.44.0.1/32", bodies);
        Assert.DoesNotContain("10.44.0.255/32", bodies);
        Assert.All(bodies, a => Assert.StartsWith("10.44.0.", a));
        foreach (var client in clients)
        {
            client.Dispose();
        }
    }

    [Fact]
    public async Task Preshared_keys_are_accepted_but_never_returned_and_addresses_are_fixed()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = await FleetApp.StartAsync(azurite);
        using var client = app.Client();
        var nodeId = (await client.CreateNodeAsync()).Str("id");
        var psk = Api.NewKey();
        var peer = await client.CreateAsync($"/api/nodes/{nodeId}/peers", new { name = "p", publicKey = Api.NewKey(), presharedKey = psk });
        Assert.True((bool)peer["hasPresharedKey"]!);
        Assert.DoesNotContain(psk, peer.ToJsonString());
        Assert.DoesNotContain(psk, await client.GetStringAsync($"/api/peers/{peer.Str("id")}", ct));

        var patch = await client.PatchAsync($"/api/peers/{peer.Str("id")}", new { addresses = new[] { "10.44.0.9/32" } }, peer.Str("etag"));
        Assert.Equal(HttpStatusCode.BadRequest, patch.StatusCode);
        Assert.True((await patch.ReadObjectAsync())["errors"]!.AsObject().ContainsKey("addresses"));

        var cleared = await (await client.PatchAsync($"/api/peers/{peer.Str("id")}", new { presharedKey = (string?)null }, peer.Str("etag"))).ReadObjectAsync();
        Assert.False((bool)cleared["hasPresharedKey"]!);
    }
}

using System.Net;
using CloudWg.Functions.Publishing;
using CloudWg.Functions.Tests.Infrastructure;
using CloudWg.Protocol.DesiredStates;
using CloudWg.Tests.Shared;

namespace CloudWg.Functions.Tests.Routes;

public sealed class RoutesApiTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Routes_reach_the_desired_state_and_names_are_unique_per_listener()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = await FleetApp.StartAsync(azurite);
        using var client = app.Client();
        var node = await client.CreateAsync("/api/nodes", new { name = "edge", endpoint = "203.0.113.7", ipv4Network = "10.44.0.0/24", l4Listen = new[] { ":443", ":8443" } });
        var nodeId = node.Str("id");
        var peer = await client.CreatePeerAsync(nodeId);

        var route = await client.CreateAsync($"/api/nodes/{nodeId}/routes", new { sni = new[] { "App.Example.com", "*.apps.example.com" }, peerId = peer.Str("id"), port = 8080, proxyProtocol = "v2" });
        Assert.Equal(["app.example.com", "*.apps.example.com"], route["sni"]!.AsArray().Select(s => (string)s!));
        Assert.Equal(":443", route.Str("listen"));

        var duplicate = await client.PostAsync($"/api/nodes/{nodeId}/routes", Api.Json(new { sni = new[] { "other.example.com", "app.example.com" }, peerId = peer.Str("id"), port = 9000 }), ct);
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        Assert.Contains("app.example.com", (await duplicate.ReadObjectAsync()).Str("detail"));

        // The same name on the other listener is fine.
        await client.CreateAsync($"/api/nodes/{nodeId}/routes", new { listen = ":8443", sni = new[] { "app.example.com" }, peerId = peer.Str("id"), port = 8443 });

        var state = (await app.Get<DesiredStateBlobs>().ReadVerifiedAsync(nodeId, ct)).Document!;
        var served = state.L4.Servers.Single(s => s.Listen == ":443").Routes.Single();
        Assert.Equal("10.44.0.2:8080", served.Upstream);
        Assert.Equal(ProxyProtocol.V2, served.ProxyProtocol);
        Assert.Single(state.L4.Servers.Single(s => s.Listen == ":8443").Routes);

        // Renaming frees the old name.
        var renamed = await client.PatchAsync($"/api/routes/{route.Str("id")}", new { sni = new[] { "new.example.com" } }, route.Str("etag"));
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        await client.CreateAsync($"/api/nodes/{nodeId}/routes", new { sni = new[] { "app.example.com" }, peerId = peer.Str("id"), port = 1 });

        var current = await (await client.GetAsync($"/api/routes/{route.Str("id")}", ct)).ReadObjectAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/routes/{route.Str("id")}", current.Str("etag"))).StatusCode);
        await client.CreateAsync($"/api/nodes/{nodeId}/routes", new { sni = new[] { "new.example.com" }, peerId = peer.Str("id"), port = 2 });
    }

    [Fact]
    public async Task Concurrent_routes_for_one_name_create_exactly_one()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = await FleetApp.StartAsync(azurite);
        using var client = app.Client();
        var nodeId = (await client.CreateNodeAsync()).Str("id");
        var peer = await client.CreatePeerAsync(nodeId);

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            client.PostAsync($"/api/nodes/{nodeId}/routes", Api.Json(new { sni = new[] { $"only{i}.example.com", "shared.example.com" }, peerId = peer.Str("id"), port = 443 }), ct)));
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.Created), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
    }
}

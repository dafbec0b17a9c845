using System.Text.Json.Nodes;
using CloudWg.Functions.Tests.Infrastructure;
using CloudWg.Tests.Shared;

namespace CloudWg.Functions.Tests.Validation;

/// <summary>One app with a node, a peer, a route and a firewall rule, shared by the validation tests of a class.</summary>
public sealed class FleetFixture(AzuriteFixture azurite) : IAsyncLifetime
{
    public FleetApp App { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public JsonObject Node { get; private set; } = null!;

    public JsonObject Peer { get; private set; } = null!;

    public JsonObject Route { get; private set; } = null!;

    public JsonObject Rule { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        App = await FleetApp.StartAsync(azurite);
        Client = App.Client();
        Node = await Client.CreateNodeAsync("10.50.0.0/24", "fd00:50::/64");
        Peer = await Client.CreatePeerAsync(Node.Str("id"));
        Route = await Client.CreateAsync($"/api/nodes/{Node.Str("id")}/routes", new { sni = new[] { "fixture.example.com" }, peerId = Peer.Str("id"), port = 443 });
        Rule = await Client.CreateAsync($"/api/nodes/{Node.Str("id")}/firewall-rules", new { direction = "input", action = "accept" });
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.DisposeAsync();
    }
}

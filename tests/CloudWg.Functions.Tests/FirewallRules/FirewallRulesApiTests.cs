using System.Net;
using CloudWg.Functions.Publishing;
using CloudWg.Functions.Tests.Infrastructure;
using CloudWg.Protocol.DesiredStates;
using CloudWg.Tests.Shared;

namespace CloudWg.Functions.Tests.FirewallRules;

public sealed class FirewallRulesApiTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Rules_resolve_peer_ids_in_priority_order_and_vanish_with_their_only_peer()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = await FleetApp.StartAsync(azurite);
        using var client = app.Client();
        var nodeId = (await client.CreateNodeAsync()).Str("id");
        var peer = await client.CreatePeerAsync(nodeId);

        var late = await client.CreateAsync($"/api/nodes/{nodeId}/firewall-rules", new { direction = "forward", action = "drop", priority = 500 });
        var early = await client.CreateAsync($"/api/nodes/{nodeId}/firewall-rules", new
        {
            direction = "forward", protocol = "tcp", ports = new[] { "22", "8000-8100" }, sources = new[] { peer.Str("id") },
            destinations = new[] { "192.168.1.0/24" }, action = "accept", priority = 10, comment = "ssh from the laptop",
        });
        Assert.Equal("tcp", early.Str("protocol"));
        Assert.Equal(peer.Str("id"), (string)early["sources"]![0]!);

        var list = await client.GetStringAsync($"/api/nodes/{nodeId}/firewall-rules", ct);
        Assert.True(list.IndexOf(early.Str("id"), StringComparison.Ordinal) < list.IndexOf(late.Str("id"), StringComparison.Ordinal));

        var state = (await app.Get<DesiredStateBlobs>().ReadVerifiedAsync(nodeId, ct)).Document!;
        Assert.Equal([early.Str("id"), late.Str("id")], state.Firewall.Rules.Select(r => r.Id));
        var resolved = state.Firewall.Rules[0];
        Assert.Equal(["10.44.0.2/32"], resolved.Sources);
        Assert.Equal(FirewallAction.Accept, resolved.Action);

        // Deleting the peer must not turn "from the laptop" into "from anyone": the rule is left out.
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/peers/{peer.Str("id")}", peer.Str("etag"))).StatusCode);
        state = (await app.Get<DesiredStateBlobs>().ReadVerifiedAsync(nodeId, ct)).Document!;
        Assert.Equal([late.Str("id")], state.Firewall.Rules.Select(r => r.Id));

        var patched = await client.PatchAsync($"/api/firewall-rules/{late.Str("id")}", new { enabled = false }, late.Str("etag"));
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        Assert.Empty((await app.Get<DesiredStateBlobs>().ReadVerifiedAsync(nodeId, ct)).Document!.Firewall.Rules);
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await client.DeleteAsync($"/api/firewall-rules/{late.Str("id")}", late.Str("etag"))).StatusCode);
    }
}

using CloudWg.EdgeAgent.Tests.Fixtures;
using CloudWg.EdgeAgent.WireGuard;

namespace CloudWg.EdgeAgent.Tests.WireGuard;

[Trait("Category", "Privileged")]
public sealed class WireGuardDriverPrivilegedTests
{
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Driver_starts_wireguard_go_and_a_client_pings_the_node_through_the_tunnel()
    {
        await using var pair = await WireGuardPair.CreateAsync();
        var driver = pair.CreateDriver();
        var state = TestStates.Node("node-1", 1, pair.NodeInterface, [TestStates.Peer(pair.ClientPublicKey, "10.99.0.2/32")]);

        var result = await driver.ReconcileAsync(state, TestContext.Current.CancellationToken);
        Assert.True(result.Succeeded, result.Error);
        Assert.Contains(result.Changes, c => c.StartsWith("started", StringComparison.Ordinal));

        await pair.StartClientAsync();
        Assert.True(await Run.EventuallyAsync(() => pair.Client.PingAsync("10.99.0.1"), HandshakeTimeout), "no ping through the tunnel");

        var peers = await pair.DumpNodePeersAsync();
        Assert.True(peers[pair.ClientPublicKey.ToString()].Handshake > 0);
        var link = await new IpLinkManager(pair.Options).GetLinkAsync(pair.NodeInterface, TestContext.Current.CancellationToken);
        Assert.NotNull(link);
        Assert.Equal((1420, true), (link.Mtu, link.Up));
        Assert.Contains("10.99.0.1/24", link.Addresses);

        // A second pass with the same document changes nothing.
        var again = await driver.ReconcileAsync(state, TestContext.Current.CancellationToken);
        Assert.True(again.Succeeded, again.Error);
        Assert.Empty(again.Changes);
    }

    [Fact]
    public async Task Diff_adds_updates_and_removes_peers_without_disturbing_an_active_session()
    {
        await using var pair = await WireGuardPair.CreateAsync();
        var driver = pair.CreateDriver();
        var ct = TestContext.Current.CancellationToken;
        var client = TestStates.Peer(pair.ClientPublicKey, "10.99.0.2/32");
        var b = TestStates.NewPublicKey();
        var c = TestStates.NewPublicKey();
        var d = TestStates.NewPublicKey();
        var psk = WgKeyPair.GeneratePrivateKey();

        Assert.True((await driver.ReconcileAsync(TestStates.Node("n", 1, pair.NodeInterface, [client, TestStates.Peer(b, "10.99.0.3/32"), TestStates.Peer(c, "10.99.0.4/32")]), ct)).Succeeded);
        await pair.StartClientAsync();
        Assert.True(await Run.EventuallyAsync(() => pair.Client.PingAsync("10.99.0.1"), HandshakeTimeout));
        var handshakeBefore = (await pair.DumpNodePeersAsync())[pair.ClientPublicKey.ToString()].Handshake;

        var v2 = TestStates.Node("n", 2, pair.NodeInterface, [
            client,
            new(b.ToString(), psk.ToString(), ["10.99.0.3/32", "10.77.0.0/24"], 25),
            TestStates.Peer(d, "10.99.0.5/32"),
        ]);
        var result = await driver.ReconcileAsync(v2, ct);
        Assert.True(result.Succeeded, result.Error);
        Assert.Contains($"peer {b} updated (preshared key, keepalive, allowed IPs)", result.Changes);
        Assert.Contains($"peer {c} removed", result.Changes);
        Assert.Contains($"peer {d} added", result.Changes);
        Assert.Contains("route 10.77.0.0/24 added", result.Changes);
        Assert.DoesNotContain(result.Changes, x => x.Contains(pair.ClientPublicKey.ToString(), StringComparison.Ordinal));

        var peers = await pair.DumpNodePeersAsync();
        Assert.Equal(
            new[] { pair.ClientPublicKey.ToString(), b.ToString(), d.ToString() }.Order(),
            peers.Keys.Order());
        Assert.Equal((psk.ToString(), "10.99.0.3/32,10.77.0.0/24", "25"), (peers[b.ToString()].Psk, peers[b.ToString()].AllowedIps, peers[b.ToString()].Keepalive));
        Assert.Equal(("(none)", "10.99.0.5/32", "off"), (peers[d.ToString()].Psk, peers[d.ToString()].AllowedIps, peers[d.ToString()].Keepalive));
        // The client's session survived: same handshake (or a newer one), and traffic still flows.
        Assert.True(peers[pair.ClientPublicKey.ToString()].Handshake >= handshakeBefore);
        Assert.True(await pair.Client.PingAsync("10.99.0.1"));
        var routes = await Run.CheckedAsync("ip", "-n", pair.Node.Name, "route", "show", "proto", "77");
        Assert.Contains("10.77.0.0/24", routes, StringComparison.Ordinal);

        // Removing the route's peer removes the route too.
        var v3 = TestStates.Node("n", 3, pair.NodeInterface, [client]);
        Assert.True((await driver.ReconcileAsync(v3, ct)).Succeeded);
        Assert.Equal([pair.ClientPublicKey.ToString()], (await pair.DumpNodePeersAsync()).Keys);
        Assert.DoesNotContain("10.77.0.0/24", await Run.CheckedAsync("ip", "-n", pair.Node.Name, "route", "show", "proto", "77"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Peer_removed_by_hand_is_restored_on_the_next_pass()
    {
        await using var pair = await WireGuardPair.CreateAsync();
        var driver = pair.CreateDriver();
        var ct = TestContext.Current.CancellationToken;
        var b = TestStates.NewPublicKey();
        var state = TestStates.Node("n", 1, pair.NodeInterface, [TestStates.Peer(b, "10.99.0.3/32")]);
        Assert.True((await driver.ReconcileAsync(state, ct)).Succeeded);

        await Run.CheckedAsync("wg", "set", pair.NodeInterface, "peer", b.ToString(), "remove");
        Assert.Empty(await pair.DumpNodePeersAsync());

        var result = await driver.ReconcileAsync(state, ct);
        Assert.True(result.Succeeded, result.Error);
        Assert.Equal([$"peer {b} added"], result.Changes);
        Assert.Equal([b.ToString()], (await pair.DumpNodePeersAsync()).Keys);
    }
}

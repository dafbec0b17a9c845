using System.Text.Json.Nodes;
using CloudWg.EdgeAgent.WireGuard;
using CloudWg.SystemTests.Harness;

namespace CloudWg.SystemTests.Journey;

/// <summary>
/// The first end-to-end journey (issue 6, item 8): real Azurite, the control plane as a process, cloudwg-agent
/// enrolling and running, wireguard-go in a node namespace and a plain WireGuard client in a client namespace.
/// </summary>
[Trait("Category", "Privileged")]
public sealed class AgentJourneyTests : IAsyncLifetime
{
    private const string NodeInterface = SystemStack.NodeInterface;

    private SystemStack? stack;

    public async ValueTask InitializeAsync() => stack = await SystemStack.CreateAsync("cwg-e2e-");

    public async ValueTask DisposeAsync()
    {
        if (stack is not null)
        {
            await stack.DisposeAsync();
        }
    }

    [Fact]
    public async Task Peer_lifecycle_reaches_the_node_and_the_node_survives_a_control_plane_outage()
    {
        var (storage, controlPlane, network, agent) = (stack!.Storage, stack.ControlPlane, stack.Network, stack.Agent);
        var setupToken = await stack.StartAndReadSetupTokenAsync();

        // An admin, through the real setup → login flow.
        using var api = new AdminApi(controlPlane.BaseUrl);
        const string username = "owner";
        const string password = "correct horse battery staple 42";
        await api.SetupAndLoginAsync(setupToken, username, password);

        // A node whose endpoint is the node namespace's underlay address, and an enrollment token for it.
        var node = await stack.CreateNodeAsync(api, "e2e-node", "10.77");
        var (nodeId, nodeTunnelAddress) = (node.Id, node.TunnelAddress);
        var token = await api.CreateEnrollmentTokenAsync(nodeId);

        // The agent enrolls and runs.
        await agent.EnrollAsync(controlPlane.BaseUrl, token);
        agent.Start();
        string Diagnostics() => string.Join('\n', agent.Log(), controlPlane.Log(), storage.Log());

        // A peer with the client's public key → the client handshakes and pings the node through the tunnel.
        var client = await stack.ConnectClientAsync(api, node, Diagnostics);
        var (clientPublic, peerId, peerAddress) = (client.PublicKey, client.PeerId, client.PeerAddress);
        await PingsAsync("after the peer was created");

        // Disable → traffic stops; enable → it resumes.
        await api.SetPeerEnabledAsync(peerId, false);
        await Poll.UntilAsync("the disabled peer gone from the node", async () => (await network.NodePeersAsync(NodeInterface))?.Contains(clientPublic) == false, diagnostics: Diagnostics);
        await Poll.UntilStableAsync("pings failing while the peer is disabled", async () => !await network.PingAsync(nodeTunnelAddress), times: 3, diagnostics: Diagnostics);
        await api.SetPeerEnabledAsync(peerId, true);
        await PingsAsync("after the peer was enabled again");

        // Delete → the peer is gone from wg show.
        await api.DeletePeerAsync(peerId);
        await Poll.UntilAsync("the deleted peer gone from `wg show`", async () => (await network.NodePeersAsync(NodeInterface))?.Contains(clientPublic) == false, diagnostics: Diagnostics);
        await Poll.UntilStableAsync("pings failing after the peer was deleted", async () => !await network.PingAsync(nodeTunnelAddress), times: 3, diagnostics: Diagnostics);

        // The same device comes back as a new peer (same address: the deleted one freed it).
        var peer = await api.CreatePeerAsync(nodeId, new { name = "laptop again", publicKey = clientPublic, addresses = new[] { peerAddress } });
        peerId = AdminApi.Text(peer, "id");
        await PingsAsync("after the peer was re-created");

        // The cloud goes away: the node keeps serving the tunnel.
        await controlPlane.StopAsync();
        await storage.StopAsync();
        await PingsAsync("with the control plane and storage stopped", times: 5);

        // The agent restarts with nothing to reach: it re-applies its cached state. To see that it really does,
        // the peer is removed from the device behind its back while it is down.
        await agent.StopAsync();
        await network.RemoveNodePeerAsync(NodeInterface, clientPublic);
        await Poll.UntilStableAsync("pings failing with the peer removed by hand", async () => !await network.PingAsync(nodeTunnelAddress), times: 3, diagnostics: Diagnostics);
        agent.Start();
        await PingsAsync("after the agent restarted offline and re-applied its cache");

        // Changes made while the agent is offline: a second peer is added and the first disabled; when storage,
        // the control plane and the agent are back, the agent catches up.
        await agent.StopAsync();
        await storage.StartAsync();
        await controlPlane.StartAsync();
        await api.LoginAsync(username, password);
        var secondKey = WgKeyPair.PublicKeyOf(WgKeyPair.GeneratePrivateKey()).ToString();
        await api.CreatePeerAsync(nodeId, new { name = "phone", publicKey = secondKey });
        await api.SetPeerEnabledAsync(peerId, false);
        agent.Start();
        await Poll.UntilAsync("the agent catching up: the second peer present and the first one gone", async () =>
        {
            var peers = await network.NodePeersAsync(NodeInterface);
            return peers is not null && peers.Contains(secondKey) && !peers.Contains(clientPublic);
        }, TimeSpan.FromMinutes(3), Diagnostics);
        await Poll.UntilStableAsync("pings failing with the first peer disabled meanwhile", async () => !await network.PingAsync(nodeTunnelAddress), times: 3, diagnostics: Diagnostics);

        // And live changes flow again.
        await api.SetPeerEnabledAsync(peerId, true);
        await PingsAsync("after enabling the peer with everything back online");

        // The agent's signed reports reach the control plane: it reports the latest version applied.
        var lastNode = "";
        await Poll.UntilAsync("the node reporting the latest desired version as applied", async () =>
        {
            var current = await api.GetNodeAsync(nodeId);
            lastNode = current.ToJsonString();
            return current["desiredVersion"] is JsonValue d && d.TryGetValue<long>(out var desired)
                && current["appliedVersion"] is JsonValue a && a.TryGetValue<long>(out var applied)
                && desired > 0 && applied == desired && current["status"]?.GetValue<string>() == "online";
        }, TimeSpan.FromMinutes(3), () => Diagnostics() + "\n--- GET /api/nodes/{id} ---\n" + lastNode);

        async Task PingsAsync(string when, int times = 2) =>
            await Poll.UntilStableAsync($"pings from the client to {nodeTunnelAddress} {when}", () => network.PingAsync(nodeTunnelAddress), times,
                diagnostics: () => Diagnostics() + "\n--- wg show ---\n" + network.NodeShowAsync(NodeInterface).GetAwaiter().GetResult());
    }
}

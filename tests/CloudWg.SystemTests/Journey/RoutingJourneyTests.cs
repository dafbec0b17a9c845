using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using CloudWg.EdgeAgent.Native;
using CloudWg.EdgeAgent.WireGuard;
using CloudWg.SystemTests.Harness;

namespace CloudWg.SystemTests.Journey;

/// <summary>
/// A VPN user's first try, end to end: a full-tunnel WireGuard client reaches an "internet" host that has no route
/// back to the tunnel network, through a node the control plane made an exit node — real wireguard-go, the real
/// agent and control plane, real nftables and forwarding in network namespaces. Also: the egress firewall, the
/// client's DNS resolver answering through the tunnel, peers isolated until the forward policy allows them, drift
/// repair of the nat chain, foreign tables untouched, and forwarding put back on uninstall.
/// </summary>
[Trait("Category", "Privileged")]
public sealed class RoutingJourneyTests : IAsyncLifetime
{
    private const int OpenPort = 7001;
    private const int BlockedPort = 7002;
    private const string ProbeName = "probe.cloudwg.test";
    private const string ProbeAnswer = "192.0.2.55";

    private SystemStack? stack;

    public async ValueTask InitializeAsync() => stack = await SystemStack.CreateAsync("cwg-route-");

    public async ValueTask DisposeAsync()
    {
        if (stack is not null)
        {
            await stack.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_full_tunnel_client_reaches_the_internet_through_an_exit_node_and_nothing_else_changes()
    {
        var (storage, controlPlane, network, agent) = (stack!.Storage, stack.ControlPlane, stack.Network, stack.Agent);
        agent.Config["Reconciler"] = new JsonObject { ["Interval"] = "00:00:02" };
        await network.AddInternetAsync();
        var internet = network.InternetAddress;

        // Tables of other software on the node (a NAT and a filter), to be left exactly as they are.
        await InNode("nft", "add table ip othernat; add chain ip othernat post { type nat hook postrouting priority 50; policy accept; }; add rule ip othernat post ip saddr 203.0.113.0/24 masquerade");
        await InNode("nft", "add table inet otherfilter; add chain inet otherfilter screen { type filter hook forward priority 10; policy accept; }; add rule inet otherfilter screen ip daddr 198.51.100.0/24 drop");
        var foreignBefore = await ForeignTablesAsync();
        Assert.Equal("0", (await InNode("sysctl", "-n", "net.ipv4.ip_forward")).Trim());

        // A resolver and two TCP services on the internet host; the services note who connected.
        stack.Disposables.Add(ChildProcess.Start("dnsmasq", "ip", ["netns", "exec", network.InternetNamespace, "dnsmasq", "--keep-in-foreground", "--no-resolv", "--no-hosts",
            "--bind-interfaces", "--listen-address=" + internet, "--address=/" + ProbeName + "/" + ProbeAnswer, "--user=root", "--pid-file=" + Path.Combine(stack.Root, "dnsmasq.pid")]));
        var seen = new List<IPAddress>();
        foreach (var port in new[] { OpenPort, BlockedPort })
        {
            var listener = NamespaceThread.Run(network.InternetNamespace, () =>
            {
                var l = new TcpListener(IPAddress.Parse(internet), port);
                l.Start();
                return l;
            });
            stack.Disposables.Add(new Listening(listener, seen));
        }

        var setupToken = await stack.StartAndReadSetupTokenAsync();
        using var api = new AdminApi(controlPlane.BaseUrl);
        await api.SetupAndLoginAsync(setupToken, "owner", "correct horse battery staple 42");

        // An exit node whose clients resolve with the internet's resolver (the operator's pick).
        var node = await stack.CreateNodeAsync(api, "exit-node", "10.80", new Dictionary<string, object?> { ["egress"] = true, ["dns"] = new[] { internet } });
        var created = await api.GetNodeAsync(node.Id);
        Assert.True(created["egress"]!.GetValue<bool>());
        Assert.Equal("drop", created["firewallPolicy"]!["forward"]!.GetValue<string>());
        await agent.EnrollAsync(controlPlane.BaseUrl, await api.CreateEnrollmentTokenAsync(node.Id));
        agent.Start();
        string Diagnostics() => string.Join('\n', agent.Log(), controlPlane.Log(), storage.Log()) + "\n--- node nft ---\n" + InNode("nft", "list ruleset").GetAwaiter().GetResult();

        var client = await stack.ConnectClientAsync(api, node, Diagnostics, fullTunnel: true, routes: [internet + "/32"]);

        // Through the tunnel to a host with no route back: only source NAT brings the answers home.
        await Poll.UntilStableAsync($"pings from the full-tunnel client to the internet host {internet}", () => network.PingAsync(internet), times: 2, diagnostics: Diagnostics);
        Assert.Equal("1", (await InNode("sysctl", "-n", "net.ipv4.ip_forward")).Trim());
        Assert.True(await ConnectsAsync(network.ClientNamespace, internet, OpenPort, TimeSpan.FromSeconds(10)), "TCP to the internet host");
        await Poll.UntilAsync("the internet host noting the connection", () => Task.FromResult(Seen().Count > 0));
        // The internet host sees the node's address, never the peer's tunnel address.
        Assert.Equal(IPAddress.Parse(network.NodeUplinkAddress), Seen()[^1]);

        List<IPAddress> Seen()
        {
            lock (seen)
            {
                return [.. seen];
            }
        }

        // The resolver the config names answers through the tunnel.
        Assert.Equal(ProbeAnswer, await ResolveAsync(network.ClientNamespace, internet, ProbeName));

        // An egress drop rule for one port: that port is blocked, the other passes.
        await api.CreateFirewallRuleAsync(node.Id, new { direction = "egress", protocol = "tcp", ports = new[] { BlockedPort.ToString(System.Globalization.CultureInfo.InvariantCulture) }, action = "drop" });
        await AppliedAsync(api, node.Id, Diagnostics);
        Assert.False(await ConnectsAsync(network.ClientNamespace, internet, BlockedPort, TimeSpan.FromSeconds(3)), "the egress rule blocks its port");
        Assert.True(await ConnectsAsync(network.ClientNamespace, internet, OpenPort, TimeSpan.FromSeconds(10)), "other ports still pass");

        // A second client: peers do not reach each other by default, and do once the forward policy allows it.
        var secondKey = WgKeyPair.GeneratePrivateKey();
        var second = await api.CreatePeerAsync(node.Id, new { name = "phone", publicKey = WgKeyPair.PublicKeyOf(secondKey).ToString() });
        var secondAddress = second["addresses"]!.AsArray()[0]!.GetValue<string>();
        await network.StartSecondClientAsync(secondKey.ToString(), client.NodePublicKey, SystemStack.ListenPort, secondAddress, node.TunnelNetwork);
        var secondHost = secondAddress[..secondAddress.IndexOf('/', StringComparison.Ordinal)];
        await Poll.UntilStableAsync("the second client pinging the node", () => network.PingFromSecondClientAsync(node.TunnelAddress), times: 2, diagnostics: Diagnostics);
        await Poll.UntilStableAsync("peers not reaching each other under the default forward policy", async () => !await network.PingAsync(secondHost), times: 3, diagnostics: Diagnostics);
        await api.PatchNodeAsync(node.Id, new { firewallPolicy = new { input = "accept", forward = "accept", egress = "accept" } });
        await Poll.UntilStableAsync("peers reaching each other once the forward policy accepts", () => network.PingAsync(secondHost), times: 2, diagnostics: Diagnostics);
        await api.PatchNodeAsync(node.Id, new { firewallPolicy = new { input = "accept", forward = "drop", egress = "accept" } });
        await Poll.UntilStableAsync("peers cut off again when it drops", async () => !await network.PingAsync(secondHost), times: 3, diagnostics: Diagnostics);

        // Someone deletes the agent's nat chain: drift correction puts it back, and egress works again.
        await InNode("nft", "flush chain inet cloudwg postrouting; delete chain inet cloudwg postrouting");
        await Poll.UntilAsync("the nat chain restored by drift correction", async () => (await Shell.RunAsync("ip", "netns", "exec", network.NodeNamespace, "nft", "list", "chain", "inet", "cloudwg", "postrouting")).Output.Contains("masquerade", StringComparison.Ordinal), diagnostics: Diagnostics);
        await Poll.UntilStableAsync("pings to the internet after the repair", () => network.PingAsync(internet), times: 2, diagnostics: Diagnostics);

        // Egress off: the client cannot reach the internet any more.
        await api.PatchNodeAsync(node.Id, new { egress = false });
        await AppliedAsync(api, node.Id, Diagnostics);
        await Poll.UntilStableAsync("no internet once egress is off", async () => !await network.PingAsync(internet), times: 3, diagnostics: Diagnostics);
        Assert.False(await ConnectsAsync(network.ClientNamespace, internet, OpenPort, TimeSpan.FromSeconds(3)), "no TCP once egress is off");

        // Nothing of anyone else changed; uninstall puts forwarding back as it was and removes only the agent's table.
        Assert.Equal(foreignBefore, await ForeignTablesAsync());
        await api.PatchNodeAsync(node.Id, new { egress = true });
        await AppliedAsync(api, node.Id, Diagnostics);
        Assert.Equal("1", (await InNode("sysctl", "-n", "net.ipv4.ip_forward")).Trim());
        await agent.StopAsync();
        var uninstall = await agent.UninstallAsync();
        Assert.Contains("net.ipv4.ip_forward 1 → 0", uninstall, StringComparison.Ordinal);
        Assert.Equal("0", (await InNode("sysctl", "-n", "net.ipv4.ip_forward")).Trim());
        Assert.NotEqual(0, (await Shell.RunAsync("ip", "netns", "exec", network.NodeNamespace, "nft", "list", "table", "inet", "cloudwg")).ExitCode);
        Assert.Equal(foreignBefore, await ForeignTablesAsync());

        Task<string> InNode(params string[] command) => Shell.CheckedAsync("ip", ["netns", "exec", network.NodeNamespace, .. command]);

        async Task<string> ForeignTablesAsync() =>
            await InNode("nft", "list", "table", "ip", "othernat") + await InNode("nft", "list", "table", "inet", "otherfilter");

        async Task AppliedAsync(AdminApi admin, string nodeId, Func<string> diagnostics)
        {
            var desired = (await admin.GetNodeAsync(nodeId))["desiredVersion"]!.GetValue<long>();
            await Poll.UntilAsync($"the agent applying version {desired}", async () =>
                JsonNode.Parse(await agent.StatusAsync())!["appliedVersion"]!.GetValue<long>() >= desired, diagnostics: diagnostics);
        }
    }

    /// <summary>Whether a TCP connection from <paramref name="ns"/> is established within <paramref name="wait"/>.</summary>
    private static async Task<bool> ConnectsAsync(string ns, string host, int port, TimeSpan wait)
    {
        using var socket = NamespaceThread.Run(ns, () => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
        using var timeout = new CancellationTokenSource(wait);
        try
        {
            await socket.ConnectAsync(IPAddress.Parse(host), port, timeout.Token);
            return true;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException)
        {
            return false;
        }
    }

    /// <summary>One DNS A query from <paramref name="ns"/> to <paramref name="resolver"/>; the first answer's address.</summary>
    private static async Task<string?> ResolveAsync(string ns, string resolver, string name)
    {
        using var udp = NamespaceThread.Run(ns, () => new UdpClient(AddressFamily.InterNetwork));
        var query = new List<byte> { 0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0 };
        foreach (var label in name.Split('.'))
        {
            query.Add((byte)label.Length);
            query.AddRange(System.Text.Encoding.ASCII.GetBytes(label));
        }

        query.AddRange([0, 0, 1, 0, 1]);
        for (var attempt = 0; attempt < 5; attempt++)
        {
            await udp.SendAsync(query.ToArray(), new IPEndPoint(IPAddress.Parse(resolver), 53));
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                var answer = (await udp.ReceiveAsync(timeout.Token)).Buffer;
                // Header (12) + question, then the first answer's A record: its last four bytes are the address.
                return answer.Length >= query.Count + 16 && answer[7] > 0 ? new IPAddress(answer[^4..]).ToString() : null;
            }
            catch (OperationCanceledException)
            {
                // Lost or not yet routable: ask again.
            }
        }

        return null;
    }

    /// <summary>A TCP service that accepts, records the peer's address and closes.</summary>
    private sealed class Listening : IAsyncDisposable
    {
        private readonly TcpListener listener;
        private readonly Task loop;

        public Listening(TcpListener listener, List<IPAddress> seen)
        {
            this.listener = listener;
            loop = Task.Run(async () =>
            {
                while (true)
                {
                    using var accepted = await listener.AcceptTcpClientAsync();
                    lock (seen)
                    {
                        seen.Add(((IPEndPoint)accepted.Client.RemoteEndPoint!).Address);
                    }
                }
            });
        }

        public async ValueTask DisposeAsync()
        {
            listener.Stop();
            await loop.ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }
}

using System.Net;
using System.Net.Sockets;
using CloudWg.EdgeAgent.Nftables;
using CloudWg.Protocol.DesiredStates;

namespace CloudWg.EdgeAgent.Tests.Nftables;

/// <summary>
/// Real TCP routed through the node: client → (tunnel veth) → node → (uplink veth) → "internet" server.
/// Traffic from the tunnel leaving through another interface is egress and obeys the egress rules and policy.
/// </summary>
[Trait("Category", "Privileged")]
public sealed class NftablesEgressTrafficTests : IDisposable
{
    private const string ServerAddress = "10.98.0.2";

    private readonly NetworkNamespace _client = NetworkNamespace.Create("cwg-cli");
    private readonly NetworkNamespace _node = NetworkNamespace.Create("cwg-node");
    private readonly NetworkNamespace _internet = NetworkNamespace.Create("cwg-net");
    private readonly string _tunnel;
    private readonly string _uplink;
    private readonly List<TcpListener> _listeners = [];

    public NftablesEgressTrafficTests()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        _tunnel = "cwt" + suffix;
        var uplink = _uplink = "cwu" + suffix;
        _node.ExecChecked("ip", "link", "add", _tunnel, "type", "veth", "peer", "name", "cwc" + suffix, "netns", _client.Name);
        _node.ExecChecked("ip", "link", "add", uplink, "type", "veth", "peer", "name", "cws" + suffix, "netns", _internet.Name);
        _node.ExecChecked("ip", "addr", "add", "10.97.0.1/24", "dev", _tunnel);
        _node.ExecChecked("ip", "addr", "add", "10.98.0.1/24", "dev", uplink);
        _node.ExecChecked("ip", "link", "set", _tunnel, "up");
        _node.ExecChecked("ip", "link", "set", uplink, "up");
        _node.ExecChecked("sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
        _client.ExecChecked("ip", "addr", "add", "10.97.0.2/24", "dev", "cwc" + suffix);
        _client.ExecChecked("ip", "link", "set", "cwc" + suffix, "up");
        _client.ExecChecked("ip", "route", "add", "default", "via", "10.97.0.1");
        _internet.ExecChecked("ip", "addr", "add", ServerAddress + "/24", "dev", "cws" + suffix);
        _internet.ExecChecked("ip", "link", "set", "cws" + suffix, "up");
        _internet.ExecChecked("ip", "route", "add", "default", "via", "10.98.0.1");
    }

    public void Dispose()
    {
        foreach (var listener in _listeners)
        {
            listener.Dispose();
        }

        _client.Dispose();
        _node.Dispose();
        _internet.Dispose();
    }

    [Fact]
    public async Task Egress_from_the_tunnel_follows_the_egress_rules()
    {
        foreach (var port in new[] { 9090, 9091, 9092 })
        {
            _listeners.Add(_internet.Run(() =>
            {
                var listener = new TcpListener(IPAddress.Any, port);
                listener.Start();
                return listener;
            }));
        }

        Assert.True(await ConnectsAsync(9091, TimeSpan.FromSeconds(30)), "routing works before any firewall");

        var spec = new FirewallSpec(
            new FirewallPolicies(FirewallAction.Drop, FirewallAction.Drop, FirewallAction.Drop),
            [
                new FirewallRuleSpec("web-out", FirewallDirection.Egress, FirewallProtocol.Tcp, ["9090"], [], [ServerAddress + "/32"], FirewallAction.Accept, 1, null),
                new FirewallRuleSpec("in-9092", FirewallDirection.Input, FirewallProtocol.Tcp, ["9092"], [], [], FirewallAction.Accept, 1, null),
            ]);
        using var driver = _node.Run(() => new NftablesDriver());
        driver.Apply(spec, new NftablesRenderContext(_tunnel, 51820, []));

        Assert.True(await ConnectsAsync(9090, TimeSpan.FromSeconds(30)), "egress rule allows 9090");
        Assert.False(await ConnectsAsync(9091, TimeSpan.FromSeconds(3)), "egress policy drops 9091");
        Assert.False(await ConnectsAsync(9092, TimeSpan.FromSeconds(3)), "an input rule does not open egress");

        // Egress accept on a node that is no exit node: still nothing but the accepted rule leaves.
        var open = spec with { Policies = spec.Policies with { Egress = FirewallAction.Accept } };
        driver.Apply(open, new NftablesRenderContext(_tunnel, 51820, []));
        Assert.False(await ConnectsAsync(9091, TimeSpan.FromSeconds(3)), "no egress without an exit node");

        driver.Apply(open, new NftablesRenderContext(_tunnel, 51820, [], EgressInterface: _uplink));

        Assert.True(await ConnectsAsync(9091, TimeSpan.FromSeconds(30)), "egress policy accept lets 9091 out of an exit node");
    }

    /// <summary>True when the connection is established within <paramref name="wait"/> (a dropped SYN never answers).</summary>
    private async Task<bool> ConnectsAsync(int port, TimeSpan wait)
    {
        using var socket = _client.Run(() => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(wait);
        try
        {
            await socket.ConnectAsync(IPAddress.Parse(ServerAddress), port, timeout.Token);
            return true;
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}

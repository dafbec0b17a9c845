using System.Net;
using System.Net.Sockets;
using CloudWg.EdgeAgent.Nftables;
using CloudWg.Protocol.DesiredStates;

namespace CloudWg.EdgeAgent.Tests.Nftables;

/// <summary>
/// Real TCP through the firewall: a "node" namespace and a "client" namespace joined by a veth pair that
/// stands in for the WireGuard interface (the firewall only cares about the interface name).
/// </summary>
[Trait("Category", "Privileged")]
public sealed class NftablesTrafficTests : IDisposable
{
    private const string NodeAddress = "10.99.0.1";
    private const string ClientAddress = "10.99.0.2";

    // How long to wait for any answer: a dropped SYN never gets one, so where a drop is expected a few
    // seconds suffice (an allowed connection over a veth pair answers within microseconds); where an answer is
    // expected, wait long enough that a loaded machine cannot fake a drop.
    private static readonly TimeSpan ShortWait = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan LongWait = TimeSpan.FromSeconds(30);

    private readonly NetworkNamespace _node = NetworkNamespace.Create("cwg-node");
    private readonly NetworkNamespace _client = NetworkNamespace.Create("cwg-cli");
    private readonly string _tunnel;
    private readonly List<TcpListener> _listeners = [];

    public NftablesTrafficTests()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        _tunnel = "cwn" + suffix;
        var peer = "cwc" + suffix;
        _node.ExecChecked("ip", "link", "add", _tunnel, "type", "veth", "peer", "name", peer, "netns", _client.Name);
        _node.ExecChecked("ip", "addr", "add", NodeAddress + "/24", "dev", _tunnel);
        _node.ExecChecked("ip", "link", "set", _tunnel, "up");
        _client.ExecChecked("ip", "addr", "add", ClientAddress + "/24", "dev", peer);
        _client.ExecChecked("ip", "link", "set", peer, "up");
    }

    public void Dispose()
    {
        foreach (var listener in _listeners)
        {
            listener.Dispose();
        }

        _client.Dispose();
        _node.Dispose();
    }

    [Fact]
    public async Task Tcp_connections_are_allowed_or_blocked_exactly_as_the_rules_say()
    {
        foreach (var port in new[] { 8080, 8081, 8082, 8083, 8443 })
        {
            _listeners.Add(_node.Run(() =>
            {
                var listener = new TcpListener(IPAddress.Any, port);
                listener.Start();
                return listener;
            }));
        }

        var context = new NftablesRenderContext(_tunnel, 51820, [8443]);
        var spec = new FirewallSpec(
            new FirewallPolicies(FirewallAction.Drop, FirewallAction.Drop, FirewallAction.Drop),
            [
                new FirewallRuleSpec("allow-8080", FirewallDirection.Input, FirewallProtocol.Tcp, ["8080"], [ClientAddress + "/32"], [], FirewallAction.Accept, 10, null),
                new FirewallRuleSpec("reject-8081", FirewallDirection.Input, FirewallProtocol.Tcp, ["8081"], [], [], FirewallAction.Reject, 10, null),
                new FirewallRuleSpec("other-source-8083", FirewallDirection.Input, FirewallProtocol.Tcp, ["8083"], ["10.99.0.77/32"], [], FirewallAction.Accept, 10, null),
            ]);

        Assert.Equal(Outcome.Connected, await ConnectAsync(8082, LongWait));

        using var driver = _node.Run(() => new NftablesDriver());
        driver.Apply(spec, context);

        Assert.Equal(Outcome.Connected, await ConnectAsync(8080, LongWait));
        Assert.Equal(Outcome.Refused, await ConnectAsync(8081, LongWait));
        Assert.Equal(Outcome.NoAnswer, await ConnectAsync(8082, ShortWait));
        Assert.Equal(Outcome.NoAnswer, await ConnectAsync(8083, ShortWait));
        Assert.Equal(Outcome.Connected, await ConnectAsync(8443, LongWait));

        // Flip the input policy: everything not matched by a rule is now accepted; the reject rule still rejects.
        driver.Apply(spec with { Policies = spec.Policies with { Input = FirewallAction.Accept } }, context);

        Assert.Equal(Outcome.Connected, await ConnectAsync(8082, LongWait));
        Assert.Equal(Outcome.Connected, await ConnectAsync(8083, LongWait));
        Assert.Equal(Outcome.Refused, await ConnectAsync(8081, LongWait));
    }

    private enum Outcome
    {
        Connected,
        Refused,
        NoAnswer,
    }

    private async Task<Outcome> ConnectAsync(int port, TimeSpan wait)
    {
        // The socket is created inside the client namespace; connecting can then happen on any thread.
        using var socket = _client.Run(() => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(wait);
        try
        {
            await socket.ConnectAsync(IPAddress.Parse(NodeAddress), port, timeout.Token);
            return Outcome.Connected;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return Outcome.Refused;
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            return Outcome.NoAnswer;
        }
    }
}

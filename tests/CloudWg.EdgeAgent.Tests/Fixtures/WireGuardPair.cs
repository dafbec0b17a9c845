using CloudWg.EdgeAgent.WireGuard;
using CloudWg.EdgeAgent.WireGuard.Uapi;
using Microsoft.Extensions.Logging.Abstractions;

namespace CloudWg.EdgeAgent.Tests.Fixtures;

/// <summary>
/// Two namespaces joined by a veth pair: "node", whose interface the agent's driver manages (it starts
/// wireguard-go there itself), and "client", a plain WireGuard client configured with wg(8).
/// </summary>
public sealed class WireGuardPair : IAsyncDisposable
{
    private WireGuardPair(NetworkNamespace node, NetworkNamespace client, string nodeUnderlay, string nodeInterface, string clientInterface)
    {
        Node = node;
        Client = client;
        NodeUnderlay = nodeUnderlay;
        NodeInterface = nodeInterface;
        ClientInterface = clientInterface;
        Options = new WireGuardOptions { NetworkNamespace = node.Name };
        Client.OwnsWireGuard(clientInterface);
        Node.OwnsWireGuard(nodeInterface);
    }

    public NetworkNamespace Node { get; }

    public NetworkNamespace Client { get; }

    public string NodeUnderlay { get; }

    public string NodeInterface { get; }

    public string ClientInterface { get; }

    public WgKey NodePrivateKey { get; } = WgKeyPair.GeneratePrivateKey();

    public WgKey ClientPrivateKey { get; } = WgKeyPair.GeneratePrivateKey();

    public WgKey ClientPublicKey => WgKeyPair.PublicKeyOf(ClientPrivateKey);

    public WireGuardOptions Options { get; }

    public UapiWireGuardClient Uapi { get; } = new();

    public static async Task<WireGuardPair> CreateAsync()
    {
        var node = await NetworkNamespace.CreateAsync("n");
        var client = await NetworkNamespace.CreateAsync("c");
        var (nodeUnderlay, _) = await NetworkNamespace.ConnectAsync(node, client);
        var suffix = Run.Suffix();
        return new WireGuardPair(node, client, nodeUnderlay, $"wgn{suffix}", $"wgc{suffix}");
    }

    public WireGuardDriver CreateDriver() =>
        new(Uapi, new IpLinkManager(Options), new FixedKeyProvider(NodePrivateKey), Options, NullLogger<WireGuardDriver>.Instance);

    /// <summary>Starts wireguard-go in the client namespace and points it at the node (10.99.0.2 in the tunnel).</summary>
    public async Task StartClientAsync(int nodePort = 51820)
    {
        await Client.ExecAsync("wireguard-go", ClientInterface);
        Assert.True(await Run.EventuallyAsync(() => Task.FromResult(File.Exists($"/var/run/wireguard/{ClientInterface}.sock")), TimeSpan.FromSeconds(30)));
        var keyFile = Path.Combine(Path.GetTempPath(), $"cwg-{ClientInterface}.key");
        await File.WriteAllTextAsync(keyFile, ClientPrivateKey.ToString(), TestContext.Current.CancellationToken);
        try
        {
            await Run.CheckedAsync(
                "wg", "set", ClientInterface, "private-key", keyFile,
                "peer", WgKeyPair.PublicKeyOf(NodePrivateKey).ToString(),
                "endpoint", $"{NodeUnderlay}:{nodePort}", "allowed-ips", "10.99.0.0/24", "persistent-keepalive", "1");
        }
        finally
        {
            File.Delete(keyFile);
        }

        await Run.CheckedAsync("ip", "-n", Client.Name, "addr", "add", "10.99.0.2/24", "dev", ClientInterface);
        await Run.CheckedAsync("ip", "-n", Client.Name, "link", "set", ClientInterface, "up");
    }

    /// <summary>The node's peers as wg(8) dumps them: public key → (preshared, allowed ips, keepalive, handshake).</summary>
    public async Task<Dictionary<string, (string Psk, string AllowedIps, string Keepalive, long Handshake)>> DumpNodePeersAsync()
    {
        var dump = await Run.CheckedAsync("wg", "show", NodeInterface, "dump");
        var peers = new Dictionary<string, (string, string, string, long)>();
        foreach (var line in dump.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1))
        {
            var f = line.Split('\t');
            peers[f[0]] = (f[1], f[3], f[7], long.Parse(f[4], System.Globalization.CultureInfo.InvariantCulture));
        }

        return peers;
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await Node.DisposeAsync();
    }
}

using System.Globalization;

namespace CloudWg.SystemTests.Harness;

/// <summary>
/// Two network namespaces joined by a veth pair: <c>node-…</c>, where the agent's WireGuard interface lives, and
/// <c>client-…</c>, a plain WireGuard client (wireguard-go configured with wg(8) and ip(8)).
/// </summary>
/// <remarks>
/// wireguard-go and wg(8) hard-code the UAPI socket directory <c>/var/run/wireguard</c>, and the node interface's
/// name is fixed by the product (<c>cloudwg0</c>), so parallel runs would share <c>/var/run/wireguard/cloudwg0.sock</c>.
/// Both are therefore started through <see cref="WrapperScript"/>, which bind-mounts a private per-run directory
/// over <c>/var/run/wireguard</c> in a private mount namespace: the socket is created in that directory, which the
/// agent reads through its <c>WireGuard:UapiSocketDirectory</c> setting. Nothing is mounted on the host.
/// </remarks>
public sealed class NodeNetwork : IAsyncDisposable
{
    private readonly string suffix;

    private NodeNetwork(string root, string suffix, int subnet)
    {
        this.suffix = suffix;
        Root = root;
        InternetNamespace = $"inet-{suffix}";
        SecondClientNamespace = $"client2-{suffix}";
        Uplink = $"vu{suffix}";
        NodeUplinkAddress = $"10.252.{subnet}.1";
        InternetAddress = $"10.252.{subnet}.2";
        SecondNodeUnderlay = $"10.253.{subnet}.1";
        SecondClientUnderlay = $"10.253.{subnet}.2";
        SecondClientSockets = Path.Combine(root, "client2-uapi");
        NodeNamespace = $"node-{suffix}";
        ClientNamespace = $"client-{suffix}";
        ClientInterface = $"wgc{suffix}";
        NodeUnderlay = $"10.251.{subnet}.1";
        ClientUnderlay = $"10.251.{subnet}.2";
        NodeSockets = Path.Combine(root, "node-uapi");
        ClientSockets = Path.Combine(root, "client-uapi");
        WrapperScript = Path.Combine(root, "with-uapi-dir.sh");
        UserspaceScript = Path.Combine(root, "wireguard-go-private.sh");
    }

    public string Root { get; }

    /// <summary>The "internet" (<see cref="AddInternetAsync"/>): no route back to the tunnel.</summary>
    public string InternetNamespace { get; }

    public string InternetAddress { get; }

    /// <summary>The node's interface towards the internet (its default route's).</summary>
    public string Uplink { get; }

    public string NodeUplinkAddress { get; }

    public string SecondClientNamespace { get; }

    public string SecondNodeUnderlay { get; }

    public string SecondClientUnderlay { get; }

    public string SecondClientSockets { get; }

    public string NodeNamespace { get; }

    public string ClientNamespace { get; }

    public string ClientInterface { get; }

    /// <summary>The node's address on the underlay: the endpoint clients dial.</summary>
    public string NodeUnderlay { get; }

    public string ClientUnderlay { get; }

    /// <summary>The node's UAPI socket directory (the agent's <c>WireGuard:UapiSocketDirectory</c>).</summary>
    public string NodeSockets { get; }

    public string ClientSockets { get; }

    /// <summary><c>with-uapi-dir.sh DIR COMMAND…</c>: runs COMMAND with DIR mounted over /var/run/wireguard.</summary>
    public string WrapperScript { get; }

    /// <summary>The agent's <c>WireGuard:UserspaceCommand</c>: wireguard-go with the node's private socket directory.</summary>
    public string UserspaceScript { get; }

    public static async Task<NodeNetwork> CreateAsync(string root)
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var network = new NodeNetwork(root, suffix, Random.Shared.Next(1, 254));
        Directory.CreateDirectory(network.NodeSockets);
        Directory.CreateDirectory(network.ClientSockets);
        Directory.CreateDirectory("/var/run/wireguard");
        await File.WriteAllTextAsync(network.WrapperScript, """
            #!/bin/sh
            # with-uapi-dir.sh DIR COMMAND...: COMMAND sees DIR as /var/run/wireguard (private mount namespace).
            dir="$1"; shift
            exec unshare --mount --propagation private sh -c 'mount --bind "$0" /var/run/wireguard && exec "$@"' "$dir" "$@"

            """);
        await File.WriteAllTextAsync(network.UserspaceScript, $"""
            #!/bin/sh
            exec "{network.WrapperScript}" "{network.NodeSockets}" wireguard-go "$@"

            """);
        File.SetUnixFileMode(network.WrapperScript, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.SetUnixFileMode(network.UserspaceScript, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        await Shell.CheckedAsync("ip", "netns", "add", network.NodeNamespace);
        await Shell.CheckedAsync("ip", "netns", "add", network.ClientNamespace);
        var nodeVeth = $"vn{suffix}";
        var clientVeth = $"vc{suffix}";
        await Shell.CheckedAsync("ip", "-n", network.NodeNamespace, "link", "add", nodeVeth, "type", "veth", "peer", "name", clientVeth, "netns", network.ClientNamespace);
        await Shell.CheckedAsync("ip", "-n", network.NodeNamespace, "addr", "add", network.NodeUnderlay + "/24", "dev", nodeVeth);
        await Shell.CheckedAsync("ip", "-n", network.ClientNamespace, "addr", "add", network.ClientUnderlay + "/24", "dev", clientVeth);
        foreach (var (ns, dev) in new[] { (network.NodeNamespace, nodeVeth), (network.ClientNamespace, clientVeth), (network.NodeNamespace, "lo"), (network.ClientNamespace, "lo") })
        {
            await Shell.CheckedAsync("ip", "-n", ns, "link", "set", dev, "up");
        }

        return network;
    }

    /// <summary>
    /// Starts the client's wireguard-go and points it at the node: <paramref name="address"/> (the peer's tunnel
    /// address) on the interface with <paramref name="tunnelNetwork"/>'s prefix, the node as its only peer.
    /// </summary>
    /// <param name="fullTunnel">
    /// <c>AllowedIPs = 0.0.0.0/0</c> as the SPA's full-tunnel config says, with <paramref name="routes"/> (the
    /// "internet" this test reaches) routed into the tunnel; the underlay to the node stays outside it.
    /// </param>
    public Task StartClientAsync(string privateKey, string nodePublicKey, int nodePort, string address, string tunnelNetwork, bool fullTunnel = false, IReadOnlyList<string>? routes = null) =>
        StartWireGuardClientAsync(ClientNamespace, ClientInterface, ClientSockets, NodeUnderlay, privateKey, nodePublicKey, nodePort, address, tunnelNetwork, fullTunnel, routes);

    /// <summary>
    /// The "internet": namespace <c>inet-…</c> joined to the node by a second veth pair (the node's uplink, which its
    /// default route uses). Its only route is its own link: nothing leads back to the tunnel network, so a reply
    /// reaches a peer only when the node translated the peer's address to its own.
    /// </summary>
    public async Task AddInternetAsync()
    {
        await Shell.CheckedAsync("ip", "netns", "add", InternetNamespace);
        await Shell.CheckedAsync("ip", "-n", NodeNamespace, "link", "add", Uplink, "type", "veth", "peer", "name", "vi" + suffix, "netns", InternetNamespace);
        await Shell.CheckedAsync("ip", "-n", NodeNamespace, "addr", "add", NodeUplinkAddress + "/24", "dev", Uplink);
        await Shell.CheckedAsync("ip", "-n", InternetNamespace, "addr", "add", InternetAddress + "/24", "dev", "vi" + suffix);
        foreach (var (ns, dev) in new[] { (NodeNamespace, Uplink), (InternetNamespace, "vi" + suffix), (InternetNamespace, "lo") })
        {
            await Shell.CheckedAsync("ip", "-n", ns, "link", "set", dev, "up");
        }

        await Shell.CheckedAsync("ip", "-n", NodeNamespace, "route", "add", "default", "via", InternetAddress, "dev", Uplink);
    }

    /// <summary>A second WireGuard client in namespace <c>client2-…</c>, on an underlay of its own to the node.</summary>
    public async Task StartSecondClientAsync(string privateKey, string nodePublicKey, int nodePort, string address, string tunnelNetwork)
    {
        await Shell.CheckedAsync("ip", "netns", "add", SecondClientNamespace);
        await Shell.CheckedAsync("ip", "-n", NodeNamespace, "link", "add", "vm" + suffix, "type", "veth", "peer", "name", "vd" + suffix, "netns", SecondClientNamespace);
        await Shell.CheckedAsync("ip", "-n", NodeNamespace, "addr", "add", SecondNodeUnderlay + "/24", "dev", "vm" + suffix);
        await Shell.CheckedAsync("ip", "-n", SecondClientNamespace, "addr", "add", SecondClientUnderlay + "/24", "dev", "vd" + suffix);
        foreach (var (ns, dev) in new[] { (NodeNamespace, "vm" + suffix), (SecondClientNamespace, "vd" + suffix), (SecondClientNamespace, "lo") })
        {
            await Shell.CheckedAsync("ip", "-n", ns, "link", "set", dev, "up");
        }

        Directory.CreateDirectory(SecondClientSockets);
        await StartWireGuardClientAsync(SecondClientNamespace, "wgd" + suffix, SecondClientSockets, SecondNodeUnderlay, privateKey, nodePublicKey, nodePort, address, tunnelNetwork, false, null);
    }

    private async Task StartWireGuardClientAsync(
        string ns, string iface, string sockets, string endpoint, string privateKey, string nodePublicKey, int nodePort, string address, string tunnelNetwork, bool fullTunnel, IReadOnlyList<string>? routes)
    {
        await Shell.CheckedAsync("ip", "netns", "exec", ns, WrapperScript, sockets, "wireguard-go", iface);
        await Poll.UntilAsync($"wireguard-go's socket for {iface}", () => Task.FromResult(File.Exists(Path.Combine(sockets, iface + ".sock"))));
        var keyFile = Path.Combine(Root, iface + ".key");
        await File.WriteAllTextAsync(keyFile, privateKey);
        File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await Shell.CheckedAsync(WrapperScript, sockets, "wg", "set", iface, "private-key", keyFile,
            "peer", nodePublicKey, "endpoint", $"{endpoint}:{nodePort.ToString(CultureInfo.InvariantCulture)}",
            "allowed-ips", fullTunnel ? "0.0.0.0/0" : tunnelNetwork, "persistent-keepalive", "1");
        File.Delete(keyFile);
        var prefix = tunnelNetwork[tunnelNetwork.IndexOf('/', StringComparison.Ordinal)..];
        var host = address[..address.IndexOf('/', StringComparison.Ordinal)];
        await Shell.CheckedAsync("ip", "-n", ns, "addr", "add", host + prefix, "dev", iface);
        await Shell.CheckedAsync("ip", "-n", ns, "link", "set", iface, "up");
        foreach (var route in routes ?? [])
        {
            await Shell.CheckedAsync("ip", "-n", ns, "route", "add", route, "dev", iface);
        }
    }

    /// <summary>One ping from the second client.</summary>
    public async Task<bool> PingFromSecondClientAsync(string address) =>
        (await Shell.RunAsync("ip", "netns", "exec", SecondClientNamespace, "ping", "-c", "1", "-W", "1", address)).ExitCode == 0;

    /// <summary>One ping from the client to <paramref name="address"/> through the tunnel.</summary>
    public async Task<bool> PingAsync(string address) =>
        (await Shell.RunAsync("ip", "netns", "exec", ClientNamespace, "ping", "-c", "1", "-W", "1", address)).ExitCode == 0;

    /// <summary>The public keys of the peers on the node's interface, as <c>wg show</c> lists them; null when there is no interface.</summary>
    public async Task<IReadOnlyList<string>?> NodePeersAsync(string interfaceName)
    {
        var (code, output, _) = await Shell.RunAsync(WrapperScript, NodeSockets, "wg", "show", interfaceName, "peers");
        return code == 0 ? output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : null;
    }

    /// <summary><c>wg show</c> of the node's interface, for failure messages.</summary>
    public async Task<string> NodeShowAsync(string interfaceName) =>
        (await Shell.RunAsync(WrapperScript, NodeSockets, "wg", "show", interfaceName)).Output;

    /// <summary>Removes a peer from the node's interface behind the agent's back (wg set … remove).</summary>
    public Task RemoveNodePeerAsync(string interfaceName, string publicKey) =>
        Shell.CheckedAsync(WrapperScript, NodeSockets, "wg", "set", interfaceName, "peer", publicKey, "remove");

    public async ValueTask DisposeAsync()
    {
        foreach (var ns in new[] { ClientNamespace, SecondClientNamespace, InternetNamespace, NodeNamespace })
        {
            // The wireguard-go daemons started for this run live in these namespaces; stop them by pid.
            var (_, pids, _) = await Shell.RunAsync("ip", "netns", "pids", ns);
            foreach (var pid in pids.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                await Shell.TryAsync("kill", "-9", pid);
            }

            await Shell.TryAsync("ip", "netns", "del", ns);
        }
    }
}

using CloudWg.EdgeAgent.WireGuard;

namespace CloudWg.SystemTests.Harness;

/// <summary>
/// Everything an end-to-end test runs, under one temp directory: a persistent Azurite, the control plane process,
/// the node/client namespaces and the agent. Disposal runs in reverse order of dependence, every step even if an
/// earlier one failed.
/// </summary>
public sealed class SystemStack : IAsyncDisposable
{
    /// <summary>The WireGuard interface the agent manages in the node namespace.</summary>
    public const string NodeInterface = "cloudwg0";

    /// <summary>The node's WireGuard listen port.</summary>
    public const int ListenPort = 51820;

    private readonly string root;

    private SystemStack(string root, NodeNetwork network)
    {
        this.root = root;
        Storage = new PersistentAzurite(Path.Combine(root, "azurite"));
        ControlPlane = new ControlPlane(Storage, Path.Combine(root, "control-plane"));
        Network = network;
        Agent = new Agent(root, network);
    }

    public PersistentAzurite Storage { get; }

    public ControlPlane ControlPlane { get; }

    public NodeNetwork Network { get; }

    public Agent Agent { get; }

    /// <summary>The run's temp directory.</summary>
    public string Root => root;

    /// <summary>More parts a test started (a front end), disposed first.</summary>
    public List<IAsyncDisposable> Disposables { get; } = [];

    /// <summary>Starts storage and the control plane and returns the one-time setup token it wrote.</summary>
    public async Task<string> StartAndReadSetupTokenAsync()
    {
        await Storage.StartAsync();
        await ControlPlane.StartAsync();
        await Poll.UntilAsync("the setup token file", () => Task.FromResult(File.Exists(ControlPlane.SetupTokenFile)), diagnostics: ControlPlane.Log);
        return (await File.ReadAllTextAsync(ControlPlane.SetupTokenFile, TestContext.Current.CancellationToken)).Trim();
    }

    /// <summary>A node reachable on the node namespace's underlay, with a random /24 tunnel network <c>&lt;prefix&gt;.N.0/24</c>.</summary>
    /// <param name="settings">More node fields (egress, dns, firewallPolicy …), merged into the create body.</param>
    public async Task<TunnelNode> CreateNodeAsync(AdminApi api, string name, string networkPrefix, IReadOnlyDictionary<string, object?>? settings = null)
    {
        var subnet = Random.Shared.Next(1, 254);
        var tunnelNetwork = $"{networkPrefix}.{subnet}.0/24";
        var body = new Dictionary<string, object?> { ["name"] = name, ["endpoint"] = Network.NodeUnderlay, ["listenPort"] = ListenPort, ["ipv4Network"] = tunnelNetwork };
        foreach (var (key, value) in settings ?? new Dictionary<string, object?>())
        {
            body[key] = value;
        }

        var node = await api.CreateNodeAsync(body);
        return new TunnelNode(AdminApi.Text(node, "id"), tunnelNetwork, $"{networkPrefix}.{subnet}.1");
    }

    /// <summary>
    /// Once the enrolled agent runs: waits for the node's public key, adds a fresh client key as peer "laptop", waits
    /// for it on the node's interface and starts the WireGuard client in the client namespace.
    /// </summary>
    /// <param name="fullTunnel">The client routes everything into the tunnel (<paramref name="routes"/> stand for the internet).</param>
    public async Task<TunnelClient> ConnectClientAsync(AdminApi api, TunnelNode node, Func<string> diagnostics, bool fullTunnel = false, IReadOnlyList<string>? routes = null)
    {
        var nodePublicKey = "";
        await Poll.UntilAsync("the node's public key registered by enrollment", async () =>
        {
            nodePublicKey = (await api.GetNodeAsync(node.Id))["publicKey"]?.GetValue<string>() ?? "";
            return nodePublicKey.Length > 0;
        }, diagnostics: diagnostics);
        var clientKey = WgKeyPair.GeneratePrivateKey();
        var clientPublic = WgKeyPair.PublicKeyOf(clientKey).ToString();
        var peer = await api.CreatePeerAsync(node.Id, new { name = "laptop", publicKey = clientPublic });
        var peerAddress = peer["addresses"]!.AsArray()[0]!.GetValue<string>();
        await Poll.UntilAsync("the peer on the node's interface", async () => (await Network.NodePeersAsync(NodeInterface))?.Contains(clientPublic) == true, diagnostics: diagnostics);
        await Network.StartClientAsync(clientKey.ToString(), nodePublicKey, ListenPort, peerAddress, node.TunnelNetwork, fullTunnel, routes);
        return new TunnelClient(clientPublic, AdminApi.Text(peer, "id"), peerAddress, nodePublicKey);
    }

    public static async Task<SystemStack> CreateAsync(string prefix)
    {
        var root = Directory.CreateTempSubdirectory(prefix).FullName;
        return new SystemStack(root, await NodeNetwork.CreateAsync(root));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var step in Disposables.Select(d => (Func<ValueTask>)d.DisposeAsync).Concat([Agent.DisposeAsync, Network.DisposeAsync, ControlPlane.DisposeAsync, Storage.DisposeAsync]))
        {
            try
            {
                await step();
            }
            catch (Exception e) when (e is InvalidOperationException or IOException or OperationCanceledException)
            {
                TestContext.Current.SendDiagnosticMessage("clean-up: " + e.Message);
            }
        }

        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (IOException)
        {
            // A socket left by a killed daemon; the temp directory is harmless.
        }
    }
}

/// <summary>A node made by <see cref="SystemStack.CreateNodeAsync"/>: its id, tunnel network and tunnel address.</summary>
public sealed record TunnelNode(string Id, string TunnelNetwork, string TunnelAddress);

/// <summary>The client <see cref="SystemStack.ConnectClientAsync"/> set up: its public key, its peer's id and address.</summary>
public sealed record TunnelClient(string PublicKey, string PeerId, string PeerAddress, string NodePublicKey);

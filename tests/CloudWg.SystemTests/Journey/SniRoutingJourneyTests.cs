using System.Text.Json.Nodes;
using CloudWg.SystemTests.Harness;

namespace CloudWg.SystemTests.Journey;

/// <summary>
/// SNI routes carry real TLS end to end through real HAProxy (the Debian package, master-worker mode) in the node
/// namespace: a client outside the tunnel connects to the node's public address on 443 and gets the certificate and
/// the HTTP answer of a backend that exists only behind a WireGuard peer. Unknown and over-deep names get nothing,
/// PROXY protocol v2 carries the client's real address, a route change does not drop an open connection, and a
/// disabled peer's route stops taking new connections until it is enabled again. The same scenario runs through Caddy
/// with the layer4 app whenever the Caddy here has that module (Debian's does not: it is skipped there).
/// </summary>
[Trait("Category", "Privileged")]
public sealed class SniRoutingJourneyTests : IAsyncLifetime
{
    private const int PlainPort = 8443;
    private const int ProxyPort = 8444;

    private SystemStack? stack;
    private ChildProcess? proxy;

    public async ValueTask InitializeAsync() => stack = await SystemStack.CreateAsync("cwg-sni-");

    public async ValueTask DisposeAsync()
    {
        if (proxy is not null)
        {
            await proxy.DisposeAsync();
        }

        if (stack is not null)
        {
            await stack.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("haproxy")]
    [InlineData("caddy")]
    public async Task Tls_reaches_the_backend_behind_a_peer_through_the_l4_proxy(string l4Proxy)
    {
        var (storage, controlPlane, network, agent) = (stack!.Storage, stack.ControlPlane, stack.Network, stack.Agent);
        var dir = Directory.CreateDirectory(Path.Combine(stack.Root, l4Proxy)).FullName;
        var own = Path.Combine(dir, "cloudwg.cfg");
        if (l4Proxy == "haproxy")
        {
            // HAProxy as an operator runs it: the package's binary, master-worker with a master CLI, the operator's main
            // file plus the agent's own file (empty until the agent writes it).
            var main = Path.Combine(dir, "haproxy.cfg");
            var master = Path.Combine(dir, "master.sock");
            await File.WriteAllTextAsync(main, "global\n    maxconn 2000\n\ndefaults\n    timeout connect 5s\n    timeout client 1h\n    timeout server 1h\n", TestContext.Current.CancellationToken);
            await File.WriteAllTextAsync(own, "", TestContext.Current.CancellationToken);
            proxy = ChildProcess.Start("haproxy", "ip", ["netns", "exec", network.NodeNamespace, "haproxy", "-W", "-S", master, "-f", main, "-f", own]);
            await Poll.UntilAsync("HAProxy's master CLI", () => Task.FromResult(File.Exists(master)), diagnostics: proxy.Log);
            agent.Config["DataPlane"] = new JsonObject
            {
                ["L4Proxy"] = "haproxy",
                ["HAProxy"] = new JsonObject { ["ConfigFile"] = own, ["ValidateWith"] = new JsonArray(main), ["MasterSocket"] = master },
            };
        }
        else
        {
            if (!(await Shell.RunAsync("caddy", "list-modules")).Output.Contains("layer4", StringComparison.Ordinal))
            {
                Assert.Skip("this Caddy has no layer4 app (Debian's caddy does not include it); only HAProxy has carried traffic here");
            }

            var socket = Path.Combine(dir, "admin.sock");
            var config = Path.Combine(dir, "caddy.json");
            await File.WriteAllTextAsync(config, new JsonObject { ["admin"] = new JsonObject { ["listen"] = "unix/" + socket } }.ToJsonString(), TestContext.Current.CancellationToken);
            proxy = ChildProcess.Start("caddy", "ip", ["netns", "exec", network.NodeNamespace, "caddy", "run", "--config", config],
                new Dictionary<string, string> { ["HOME"] = dir, ["XDG_DATA_HOME"] = dir, ["XDG_CONFIG_HOME"] = dir });
            await Poll.UntilAsync("Caddy's admin socket", () => Task.FromResult(File.Exists(socket)), diagnostics: proxy.Log);
            agent.Config["DataPlane"] = new JsonObject { ["L4Proxy"] = "caddy", ["CaddyAdminAddress"] = "unix/" + socket };
        }

        agent.Config["Reconciler"] = new JsonObject { ["Interval"] = "00:00:02" };

        var setupToken = await stack.StartAndReadSetupTokenAsync();
        using var api = new AdminApi(controlPlane.BaseUrl);
        await api.SetupAndLoginAsync(setupToken, "owner", "correct horse battery staple 42");
        var node = await stack.CreateNodeAsync(api, "sni-node", "10.81");
        await agent.EnrollAsync(controlPlane.BaseUrl, await api.CreateEnrollmentTokenAsync(node.Id));
        agent.Start();
        string Diagnostics() => string.Join('\n', agent.Log(), proxy.Log(), controlPlane.Log(), storage.Log()) + "\n--- cloudwg.cfg ---\n" + (File.Exists(own) ? File.ReadAllText(own) : "(missing)");

        // The peer, and two TLS services only it has: one plain, one that expects PROXY protocol v2.
        var client = await stack.ConnectClientAsync(api, node, Diagnostics);
        var peerHost = client.PeerAddress[..client.PeerAddress.IndexOf('/', StringComparison.Ordinal)];
        await using var backend = TlsBackend.Start(network.ClientNamespace, peerHost, PlainPort, ["app.example.test", "a.wild.example.test", "a.b.wild.example.test"], proxyV2: false);
        await using var proxied = TlsBackend.Start(network.ClientNamespace, peerHost, ProxyPort, ["real.example.test"], proxyV2: true);

        await api.CreateRouteAsync(node.Id, new { sni = new[] { "app.example.test", "*.wild.example.test" }, peerId = client.PeerId, port = PlainPort });
        var proxyRoute = await api.CreateRouteAsync(node.Id, new { sni = new[] { "real.example.test" }, peerId = client.PeerId, port = ProxyPort, proxyProtocol = "v2" });
        var (nodeAddress, ns) = (network.NodeUnderlay, network.ClientNamespace);
        await Poll.UntilAsync("app.example.test reaching its backend through HAProxy", () => TlsProbe.ConnectsAsync(ns, nodeAddress, 443, "app.example.test"), diagnostics: Diagnostics);

        // The backend's own certificate and answer arrive: TLS is not terminated on the node.
        await using (var probe = await TlsProbe.ConnectAsync(ns, nodeAddress, 443, "app.example.test"))
        {
            Assert.Equal(backend.Thumbprint, probe.ServerCertificate.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256));
            Assert.StartsWith("backend saw ", await probe.GetAsync(), StringComparison.Ordinal);
        }

        // Unknown names get no backend; a wildcard matches exactly one label.
        Assert.False(await TlsProbe.ConnectsAsync(ns, nodeAddress, 443, "other.example.test"));
        Assert.True(await TlsProbe.ConnectsAsync(ns, nodeAddress, 443, "a.wild.example.test"));
        Assert.False(await TlsProbe.ConnectsAsync(ns, nodeAddress, 443, "a.b.wild.example.test"));

        // PROXY protocol v2: the backend reads the outside client's real address, not the node's tunnel address.
        await using (var probe = await TlsProbe.ConnectAsync(ns, nodeAddress, 443, "real.example.test"))
        {
            Assert.Equal($"backend saw {network.ClientUnderlay}", await probe.GetAsync());
        }

        // A long connection stays up while a route changes and HAProxy reloads.
        await using (var longLived = await TlsProbe.ConnectAsync(ns, nodeAddress, 443, "app.example.test"))
        {
            await longLived.GetAsync();
            await api.CreateRouteAsync(node.Id, new { sni = new[] { "new.example.test" }, peerId = client.PeerId, port = PlainPort });
            await Poll.UntilAsync("new.example.test routed after the reload", () => TlsProbe.ConnectsAsync(ns, nodeAddress, 443, "new.example.test"), diagnostics: Diagnostics);
            Assert.StartsWith("backend saw ", await longLived.GetAsync(), StringComparison.Ordinal);
        }

        if (l4Proxy == "haproxy")
        {
            // Someone edits the agent's file: drift, repaired (and reloaded) on the next pass.
            await File.WriteAllTextAsync(own, "# hand edit\n", TestContext.Current.CancellationToken);
            await Poll.UntilAsync("the agent's HAProxy file restored", () => Task.FromResult(File.ReadAllText(own).Contains("app.example.test", StringComparison.Ordinal)), diagnostics: Diagnostics);
            await Poll.UntilAsync("routing after the repair", () => TlsProbe.ConnectsAsync(ns, nodeAddress, 443, "app.example.test"), diagnostics: Diagnostics);
        }

        // The peer disabled: its routes go, new connections fail; enabled again, they pass.
        await api.SetPeerEnabledAsync(client.PeerId, false);
        await Poll.UntilStableAsync("no connection to a disabled peer's route", async () => !await TlsProbe.ConnectsAsync(ns, nodeAddress, 443, "app.example.test"), times: 2, diagnostics: Diagnostics);
        await api.SetPeerEnabledAsync(client.PeerId, true);
        await Poll.UntilAsync("the route back once the peer is enabled", () => TlsProbe.ConnectsAsync(ns, nodeAddress, 443, "app.example.test"), diagnostics: Diagnostics);

        // The agent says which proxy runs and what it routes.
        var status = await agent.StatusTextAsync();
        Assert.Contains($"L4 proxy:        {l4Proxy}, 3 route(s)", status, StringComparison.Ordinal);
        Assert.Contains("real.example.test", status, StringComparison.Ordinal);
        Assert.NotNull(proxyRoute["id"]);
    }
}

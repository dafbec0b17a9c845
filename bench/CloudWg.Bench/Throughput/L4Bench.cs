using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CloudWg.EdgeAgent.HAProxy;
using CloudWg.EdgeAgent.Infrastructure;
using CloudWg.EdgeAgent.Native;
using CloudWg.EdgeAgent.WireGuard;
using CloudWg.Protocol.DesiredStates;
using static CloudWg.Bench.Throughput.ThroughputBench;

namespace CloudWg.Bench.Throughput;

/// <summary>
/// The L4 path (issue: SNI routes): TLS connection setup time and bulk throughput from a client outside the tunnel,
/// through HAProxy on the node (the agent's rendered configuration) and WireGuard to a backend behind a peer, against the
/// same backend reached directly over the tunnel from the node, in one run. Needs root, wireguard-go, wg, haproxy.
/// Arguments: <c>[connections=100] [megabytes=256]</c>.
/// </summary>
public static class L4Bench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var connections = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100;
        var megabytes = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 256;
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));
        var (peer, node) = ($"l4p{id}", $"l4n{id}");
        var (wgNode, wgPeer) = ($"l4wn{id}", $"l4wp{id}");
        var scratch = Directory.CreateTempSubdirectory("cwg-l4-").FullName;
        Process? haproxy = null;
        try
        {
            foreach (var ns in new[] { peer, node })
            {
                await Ip("netns", "add", ns);
                await Ip("-n", ns, "link", "set", "lo", "up");
            }

            await Ip("-n", node, "link", "add", "va" + id, "type", "veth", "peer", "name", "vb" + id, "netns", peer);
            await Ip("-n", node, "addr", "add", "10.211.0.1/24", "dev", "va" + id);
            await Ip("-n", peer, "addr", "add", "10.211.0.2/24", "dev", "vb" + id);
            await Ip("-n", node, "link", "set", "va" + id, "up");
            await Ip("-n", peer, "link", "set", "vb" + id, "up");
            var nodeKey = WgKeyPair.GeneratePrivateKey();
            var peerKey = WgKeyPair.GeneratePrivateKey();
            await Exec(node, "wireguard-go", wgNode);
            await Exec(peer, "wireguard-go", wgPeer);
            await File.WriteAllTextAsync(Path.Combine(scratch, "n"), nodeKey.ToString());
            await File.WriteAllTextAsync(Path.Combine(scratch, "p"), peerKey.ToString());
            await Run("wg", "set", wgNode, "listen-port", "51910", "private-key", Path.Combine(scratch, "n"), "peer", WgKeyPair.PublicKeyOf(peerKey).ToString(), "allowed-ips", "10.213.0.2/32");
            await Run("wg", "set", wgPeer, "private-key", Path.Combine(scratch, "p"), "peer", WgKeyPair.PublicKeyOf(nodeKey).ToString(), "endpoint", "10.211.0.1:51910", "allowed-ips", "10.213.0.0/24", "persistent-keepalive", "1");
            await Ip("-n", node, "addr", "add", "10.213.0.1/24", "dev", wgNode);
            await Ip("-n", peer, "addr", "add", "10.213.0.2/24", "dev", wgPeer);
            await Ip("-n", node, "link", "set", wgNode, "mtu", "1420", "up");
            await Ip("-n", peer, "link", "set", wgPeer, "mtu", "1420", "up");

            // The backend, only on the peer's tunnel address; HAProxy on the node with the agent's rendered file.
            using var certificate = Certificate("app.example.test");
            var listener = NamespaceThread.Run(peer, () =>
            {
                var l = new TcpListener(IPAddress.Parse("10.213.0.2"), 8443);
                l.Start();
                return l;
            });
            using var stop = new CancellationTokenSource();
            _ = Task.Run(() => ServeAsync(listener, certificate, stop.Token));
            var config = Path.Combine(scratch, "cloudwg.cfg");
            await File.WriteAllTextAsync(config, HAProxyRenderer.Render(new L4Spec([new L4Server(":443", [new L4Route("bench", ["app.example.test"], "10.213.0.2:8443", null)])])));
            haproxy = Process.Start(new ProcessStartInfo("ip", ["netns", "exec", node, "haproxy", "-W", "-f", config]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            await Task.Delay(1000);

            Console.WriteLine($"L4 path: TLS through HAProxy (node) and WireGuard to a backend behind a peer vs the backend over the tunnel directly ({connections} handshakes, {megabytes} MiB; machine: {Environment.ProcessorCount} cores)");
            // Warm up both paths (handshake, ARP, WireGuard session).
            await HandshakeAsync(peer, "10.211.0.1", 443);
            await HandshakeAsync(node, "10.213.0.2", 8443);
            var viaL4 = new List<double>();
            var direct = new List<double>();
            for (var i = 0; i < connections; i++)
            {
                viaL4.Add(await HandshakeAsync(peer, "10.211.0.1", 443));
                direct.Add(await HandshakeAsync(node, "10.213.0.2", 8443));
            }

            var throughputL4 = await ThroughputAsync(peer, "10.211.0.1", 443, megabytes);
            var throughputDirect = await ThroughputAsync(node, "10.213.0.2", 8443, megabytes);
            Console.WriteLine($"  connect + TLS handshake, median: via L4 {Median(viaL4):0.00} ms, direct over the tunnel {Median(direct):0.00} ms = {Median(viaL4) / Median(direct):0.00}×");
            Console.WriteLine($"  throughput: via L4 {throughputL4:0} Mbit/s, direct over the tunnel {throughputDirect:0} Mbit/s = {throughputL4 / throughputDirect:0.00}×");
            await stop.CancelAsync();
            listener.Stop();
            return 0;
        }
        finally
        {
            if (haproxy is { HasExited: false })
            {
                haproxy.Kill(entireProcessTree: true);
            }

            foreach (var ns in new[] { peer, node })
            {
                var pids = await ProcessRunner.RunAsync("ip", ["netns", "pids", ns], CancellationToken.None);
                foreach (var pid in pids.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    await ProcessRunner.RunAsync("kill", ["-9", pid], CancellationToken.None);
                }

                await ProcessRunner.RunAsync("ip", ["netns", "del", ns], CancellationToken.None);
            }

            foreach (var wg in new[] { wgNode, wgPeer })
            {
                File.Delete($"/var/run/wireguard/{wg}.sock");
            }

            Directory.Delete(scratch, recursive: true);
        }
    }

    private static X509Certificate2 Certificate(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(name);
        request.CertificateExtensions.Add(san.Build());
        using var self = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(self.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>Accepts TLS connections and drains them (the throughput sink); a handshake probe just closes.</summary>
    private static async Task ServeAsync(TcpListener listener, X509Certificate2 certificate, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stop);
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                return;
            }

            _ = Task.Run(async () =>
            {
                using (client)
                {
                    try
                    {
                        await using var tls = new SslStream(client.GetStream());
                        await tls.AuthenticateAsServerAsync(certificate);
                        var buffer = new byte[256 * 1024];
                        while (await tls.ReadAsync(buffer, stop) > 0)
                        {
                        }

                        await tls.WriteAsync(new byte[] { 1 }, stop);
                    }
                    catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException or OperationCanceledException)
                    {
                        // A probe that went away.
                    }
                }
            }, stop);
        }
    }

    private static async Task<(TcpClient Tcp, SslStream Tls)> ConnectAsync(string ns, string host, int port)
    {
        var tcp = NamespaceThread.Run(ns, () => new TcpClient(AddressFamily.InterNetwork) { NoDelay = true });
        await tcp.ConnectAsync(IPAddress.Parse(host), port);
        var tls = new SslStream(tcp.GetStream(), false, (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync("app.example.test");
        return (tcp, tls);
    }

    private static async Task<double> HandshakeAsync(string ns, string host, int port)
    {
        var clock = Stopwatch.StartNew();
        var (tcp, tls) = await ConnectAsync(ns, host, port);
        var elapsed = clock.Elapsed.TotalMilliseconds;
        await tls.DisposeAsync();
        tcp.Dispose();
        return elapsed;
    }

    /// <summary>Mbit/s of <paramref name="megabytes"/> MiB written over TLS until the sink confirms it read them all.</summary>
    private static async Task<double> ThroughputAsync(string ns, string host, int port, int megabytes)
    {
        var (tcp, tls) = await ConnectAsync(ns, host, port);
        using (tcp)
        await using (tls)
        {
            var chunk = new byte[256 * 1024];
            RandomNumberGenerator.Fill(chunk);
            var clock = Stopwatch.StartNew();
            for (var sent = 0L; sent < megabytes * 1024L * 1024; sent += chunk.Length)
            {
                await tls.WriteAsync(chunk);
            }

            await tls.ShutdownAsync();
            tcp.Client.Shutdown(SocketShutdown.Send);
            await tls.ReadExactlyAsync(new byte[1]);
            return megabytes * 8.0 * 1024 * 1024 / clock.Elapsed.TotalSeconds / 1e6;
        }
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}

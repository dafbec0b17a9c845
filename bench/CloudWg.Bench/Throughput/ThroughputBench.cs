using System.Globalization;
using System.Text.Json;
using CloudWg.EdgeAgent.Infrastructure;
using CloudWg.EdgeAgent.WireGuard;

namespace CloudWg.Bench.Throughput;

/// <summary>
/// Data-path throughput (issue: nodes route traffic): iperf3 TCP from a client to an "internet" host, through an exit
/// node — wireguard-go on both ends, forwarding and masquerade on the node as the agent sets them — against the same
/// path without the tunnel (client → node → internet over plain veths, same forwarding and NAT), in one run. Prints both
/// and the ratio (target ≥ 0.5×, wireguard-go's ceiling on this machine). Needs root, wireguard-go, wg, nft, iperf3.
/// Arguments: <c>[seconds=10]</c>.
/// </summary>
public static class ThroughputBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10;
        var id = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3));
        var (client, node, internet) = ($"tpc{id}", $"tpn{id}", $"tpi{id}");
        var (wgNode, wgClient) = ($"tpwn{id}", $"tpwc{id}");
        try
        {
            foreach (var ns in new[] { client, node, internet })
            {
                await Ip("netns", "add", ns);
                await Ip("-n", ns, "link", "set", "lo", "up");
            }

            await Ip("-n", node, "link", "add", "vc" + id, "type", "veth", "peer", "name", "vk" + id, "netns", client);
            await Ip("-n", node, "link", "add", "vi" + id, "type", "veth", "peer", "name", "vj" + id, "netns", internet);
            await Ip("-n", node, "addr", "add", "10.201.0.1/24", "dev", "vc" + id);
            await Ip("-n", client, "addr", "add", "10.201.0.2/24", "dev", "vk" + id);
            await Ip("-n", node, "addr", "add", "10.202.0.1/24", "dev", "vi" + id);
            await Ip("-n", internet, "addr", "add", "10.202.0.2/24", "dev", "vj" + id);
            foreach (var (ns, dev) in new[] { (node, "vc" + id), (client, "vk" + id), (node, "vi" + id), (internet, "vj" + id) })
            {
                await Ip("-n", ns, "link", "set", dev, "up");
            }

            await Exec(node, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
            await Exec(node, "nft", $"add table inet tp; add chain inet tp post {{ type nat hook postrouting priority srcnat; policy accept; }}; add rule inet tp post oifname \"vi{id}\" masquerade");

            // WireGuard: node 10.203.0.1, client 10.203.0.2 with AllowedIPs 0.0.0.0/0 on the client.
            var nodeKey = WgKeyPair.GeneratePrivateKey();
            var clientKey = WgKeyPair.GeneratePrivateKey();
            await Exec(node, "wireguard-go", wgNode);
            await Exec(client, "wireguard-go", wgClient);
            var keys = Directory.CreateTempSubdirectory("cwg-tp-").FullName;
            await File.WriteAllTextAsync(Path.Combine(keys, "n"), nodeKey.ToString());
            await File.WriteAllTextAsync(Path.Combine(keys, "c"), clientKey.ToString());
            await Run("wg", "set", wgNode, "listen-port", "51900", "private-key", Path.Combine(keys, "n"), "peer", WgKeyPair.PublicKeyOf(clientKey).ToString(), "allowed-ips", "10.203.0.2/32");
            await Run("wg", "set", wgClient, "private-key", Path.Combine(keys, "c"), "peer", WgKeyPair.PublicKeyOf(nodeKey).ToString(), "endpoint", "10.201.0.1:51900", "allowed-ips", "0.0.0.0/0");
            Directory.Delete(keys, recursive: true);
            await Ip("-n", node, "addr", "add", "10.203.0.1/24", "dev", wgNode);
            await Ip("-n", client, "addr", "add", "10.203.0.2/24", "dev", wgClient);
            await Ip("-n", node, "link", "set", wgNode, "mtu", "1420", "up");
            await Ip("-n", client, "link", "set", wgClient, "mtu", "1420", "up");

            await Exec(internet, "iperf3", "-s", "-D", "-B", "10.202.0.2");
            await Task.Delay(500);
            Console.WriteLine($"Throughput: iperf3 TCP {seconds} s, client → internet host (machine: {Environment.ProcessorCount} cores)");

            // Plain path: the internet host via the node's underlay address (forwarded and NATed, no tunnel).
            await Ip("-n", client, "route", "replace", "10.202.0.0/24", "via", "10.201.0.1");
            var plain = await IperfAsync(client, seconds);
            // Tunnel path: the same host through WireGuard.
            await Ip("-n", client, "route", "replace", "10.202.0.0/24", "dev", wgClient);
            var tunnel = await IperfAsync(client, seconds);
            Console.WriteLine($"  plain veth path:            {plain / 1e6:0} Mbit/s");
            Console.WriteLine($"  through the tunnel (wg-go): {tunnel / 1e6:0} Mbit/s");
            Console.WriteLine($"  ratio tunnel / plain:       {tunnel / plain:0.00}× (target ≥ 0.5×: {(tunnel / plain >= 0.5 ? "met" : "NOT met")})");

            // A veth moves packets at memory speed; a VPS uplink does not. The same two paths with the node's uplink
            // shaped to 1 Gbit/s, the common VPS port, for a reference a user's node actually has.
            await Exec(node, "tc", "qdisc", "add", "dev", "vi" + id, "root", "tbf", "rate", "1gbit", "burst", "1mbit", "latency", "50ms");
            await Ip("-n", client, "route", "replace", "10.202.0.0/24", "via", "10.201.0.1");
            var shapedPlain = await IperfAsync(client, seconds);
            await Ip("-n", client, "route", "replace", "10.202.0.0/24", "dev", wgClient);
            var shapedTunnel = await IperfAsync(client, seconds);
            Console.WriteLine($"  uplink shaped to 1 Gbit/s:  plain {shapedPlain / 1e6:0} Mbit/s, tunnel {shapedTunnel / 1e6:0} Mbit/s, ratio {shapedTunnel / shapedPlain:0.00}×");
            return 0;
        }
        finally
        {
            foreach (var ns in new[] { client, node, internet })
            {
                var pids = await ProcessRunner.RunAsync("ip", ["netns", "pids", ns], CancellationToken.None);
                foreach (var pid in pids.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    await ProcessRunner.RunAsync("kill", ["-9", pid], CancellationToken.None);
                }

                await ProcessRunner.RunAsync("ip", ["netns", "del", ns], CancellationToken.None);
            }

            foreach (var wg in new[] { wgNode, wgClient })
            {
                File.Delete($"/var/run/wireguard/{wg}.sock");
            }
        }
    }

    private static async Task<double> IperfAsync(string ns, int seconds)
    {
        var result = await ProcessRunner.RunAsync("ip", ["netns", "exec", ns, "iperf3", "-J", "-c", "10.202.0.2", "-t", seconds.ToString(CultureInfo.InvariantCulture)], CancellationToken.None);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException("iperf3 failed: " + result.StandardError + result.StandardOutput);
        }

        using var doc = JsonDocument.Parse(result.StandardOutput);
        return doc.RootElement.GetProperty("end").GetProperty("sum_received").GetProperty("bits_per_second").GetDouble();
    }

    internal static Task Ip(params string[] args) => Run("ip", args);

    internal static Task Exec(string ns, params string[] args) => Run("ip", ["netns", "exec", ns, .. args]);

    internal static async Task Run(string file, params string[] args)
    {
        var result = await ProcessRunner.RunAsync(file, args, CancellationToken.None);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"'{file} {string.Join(' ', args)}' failed: {result.StandardError.Trim()} {result.StandardOutput.Trim()}");
        }
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Text;
using CloudWg.EdgeAgent.Infrastructure;
using CloudWg.EdgeAgent.WireGuard;
using CloudWg.EdgeAgent.WireGuard.Uapi;
using CloudWg.Protocol.DesiredStates;
using Microsoft.Extensions.Logging.Abstractions;

namespace CloudWg.Bench.WireGuard;

/// <summary>
/// The agent's WireGuard apply against <c>wg syncconf</c> with the same configuration on the same
/// wireguard-go device (in a private network namespace): a full apply of N peers onto an empty device, and
/// a one-peer change on a device holding N peers. Prints medians and ratios (agent ÷ wg; lower is better).
/// Needs root, wireguard-go and wireguard-tools. Arguments: <c>[peers=10000] [rounds=5]</c>.
/// </summary>
public static class WireGuardBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var peers = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10_000;
        var rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;
        var suffix = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3));
        var ns = $"cwgbench{suffix}";
        var iface = $"wgb{suffix}";
        var ct = CancellationToken.None;
        var options = new WireGuardOptions { NetworkNamespace = ns };
        var keyFile = Path.Combine(Path.GetTempPath(), $"{iface}.key");
        var confV1 = Path.Combine(Path.GetTempPath(), $"{iface}-v1.conf");
        var confV2 = Path.Combine(Path.GetTempPath(), $"{iface}-v2.conf");
        await Must("ip", "netns", "add", ns);
        try
        {
            var links = new IpLinkManager(options);
            await links.StartUserspaceAsync(iface, ct);
            var client = new UapiWireGuardClient();
            while (!await client.DeviceExistsAsync(iface, ct))
            {
                await Task.Delay(50, ct);
            }

            var privateKey = WgKeyPair.GeneratePrivateKey();
            var keys = provider(privateKey);
            var specs = Enumerable.Range(0, peers).Select(i => new PeerSpec(
                WgKeyPair.PublicKeyOf(WgKeyPair.GeneratePrivateKey()).ToString(), null, [$"10.{100 + (i >> 16)}.{(i >> 8) & 255}.{i & 255}/32"], null)).ToList();
            var changed = specs.ToList();
            changed[peers / 2] = changed[peers / 2] with { AllowedIps = ["10.120.0.1/32"] };
            var v1 = State(1, iface, specs);
            var v2 = State(2, iface, changed);
            await File.WriteAllTextAsync(keyFile, privateKey.ToString(), ct);
            await File.WriteAllTextAsync(confV1, Config(privateKey, v1), ct);
            await File.WriteAllTextAsync(confV2, Config(privateKey, v2), ct);

            // Warm up both paths once (JIT, page cache, wireguard-go allocations).
            await Clear(client, iface);
            await NewDriver(client, links, keys, options).ReconcileAsync(v1, ct);
            await Clear(client, iface);
            await Must("wg", "syncconf", iface, confV1);

            var agentFull = new List<double>();
            var wgFull = new List<double>();
            var agentOne = new List<double>();
            var agentOneFullRead = new List<double>();
            var wgOne = new List<double>();
            for (var round = 0; round < rounds; round++)
            {
                await Clear(client, iface);
                var driver = NewDriver(client, links, keys, options);
                agentFull.Add(await Time(async () => Check(await driver.ReconcileAsync(v1, ct))));

                // One peer changes in a new document: the agent's incremental path (diff against the device as last read).
                agentOne.Add(await Time(async () => Check(await driver.ReconcileAsync(v2, ct))));
                await Must("wg", "syncconf", iface, confV1);

                // The same change with a full read of the device first (what every periodic pass does).
                var cold = NewDriver(client, links, keys, options);
                agentOneFullRead.Add(await Time(async () => Check(await cold.ReconcileAsync(v2, ct))));
                await Must("wg", "syncconf", iface, confV1);

                wgOne.Add(await Time(() => Must("wg", "syncconf", iface, confV2)));

                await Clear(client, iface);
                wgFull.Add(await Time(() => Must("wg", "syncconf", iface, confV1)));
            }

            var device = await client.GetDeviceAsync(iface, ct);
            Console.WriteLine($"WireGuard apply, {peers} peers, wireguard-go {await Version()}, median of {rounds} (machine: {Environment.ProcessorCount} cores)");
            Console.WriteLine($"  full apply:        agent {Median(agentFull),8:0.0} ms   wg syncconf {Median(wgFull),8:0.0} ms   ratio {Median(agentFull) / Median(wgFull):0.00}x (target <= 1.0x)");
            Console.WriteLine($"  one-peer change:   agent {Median(agentOne),8:0.0} ms   wg syncconf {Median(wgOne),8:0.0} ms   ratio {Median(agentOne) / Median(wgOne):0.00}x (target <= 0.2x)");
            Console.WriteLine($"  one-peer, full read first: agent {Median(agentOneFullRead),8:0.0} ms   ratio {Median(agentOneFullRead) / Median(wgOne):0.00}x");
            Console.WriteLine($"  device holds {device.Peers.Count} peers at the end");
            return 0;
        }
        finally
        {
            await ProcessRunner.RunAsync("ip", ["-n", ns, "link", "del", iface], ct);
            File.Delete($"/var/run/wireguard/{iface}.sock");
            await ProcessRunner.RunAsync("ip", ["netns", "del", ns], ct);
            File.Delete(keyFile);
            File.Delete(confV1);
            File.Delete(confV2);
        }

        static IWireGuardKeyProvider provider(WgKey key) => new FixedKey(key);
    }

    private static WireGuardDriver NewDriver(IWireGuardClient client, IpLinkManager links, IWireGuardKeyProvider keys, WireGuardOptions options) =>
        new(client, links, keys, options, NullLogger<WireGuardDriver>.Instance);

    private static DesiredState State(long version, string iface, IReadOnlyList<PeerSpec> peers) =>
        new(1, "bench", version, DateTimeOffset.UtcNow,
            new WireGuardSpec(iface, 51820, ["10.100.0.1/9"], 1420, peers),
            new L4Spec([]),
            new FirewallSpec(new FirewallPolicies(FirewallAction.Accept, FirewallAction.Accept, FirewallAction.Accept), []));

    private static string Config(WgKey privateKey, DesiredState state)
    {
        var sb = new StringBuilder();
        sb.Append("[Interface]\nPrivateKey = ").Append(privateKey).Append("\nListenPort = ").Append(state.WireGuard.ListenPort).Append('\n');
        foreach (var peer in state.WireGuard.Peers)
        {
            sb.Append("\n[Peer]\nPublicKey = ").Append(peer.PublicKey).Append("\nAllowedIPs = ").Append(string.Join(", ", peer.AllowedIps)).Append('\n');
        }

        return sb.ToString();
    }

    private static Task Clear(IWireGuardClient client, string iface) =>
        client.ConfigureDeviceAsync(iface, new WgConfigPatch { ReplacePeers = true }, CancellationToken.None);

    private static void Check(EdgeAgent.Reconcile.DriverResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(result.Error);
        }
    }

    private static async Task<double> Time(Func<Task> action)
    {
        var watch = Stopwatch.StartNew();
        await action();
        return watch.Elapsed.TotalMilliseconds;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static async Task Must(string file, params string[] args)
    {
        var result = await ProcessRunner.RunAsync(file, args, CancellationToken.None);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)}: {result.StandardError}");
        }
    }

    private static async Task<string> Version() =>
        (await ProcessRunner.RunAsync("wireguard-go", ["--version"], CancellationToken.None)).StandardOutput.Split('\n')[0].Trim();

    private sealed class FixedKey(WgKey key) : IWireGuardKeyProvider
    {
        public WgKey GetPrivateKey() => key;
    }
}

using System.Diagnostics;
using System.Globalization;
using CloudWg.EdgeAgent.WireGuard;

namespace CloudWg.Bench.Propagation;

/// <summary>
/// Propagation: an API write (<c>POST /api/nodes/{id}/peers</c>) until the peer is on the node's wireguard-go device,
/// read from its UAPI socket every 10 ms. Real Azurite, control plane process and agent with default polling
/// (idle inbox poll 2 s). Prints median and p99 against the targets (p50 ≤ 1 s, p99 ≤ 2.5 s).
/// Needs root, wireguard-go, a built solution and <c>npm ci</c>. Arguments: <c>[changes=100]</c>.
/// </summary>
public static class PropagationBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var changes = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100;
        await using var rig = new PropagationRig();
        await rig.StartAsync();
        Console.WriteLine($"Propagation: {changes} peer creations, API write → on the device (machine: {Environment.ProcessorCount} cores)");

        var latencies = new List<double>(changes);
        var writes = new List<double>(changes);
        for (var i = 0; i < changes; i++)
        {
            var publicKey = WgKeyPair.PublicKeyOf(WgKeyPair.GeneratePrivateKey()).ToString();
            var hex = Convert.ToHexStringLower(Convert.FromBase64String(publicKey));
            // Start from a quiet agent, as an operator's click usually does, with a random phase against its poll.
            await Task.Delay(Random.Shared.Next(0, 2000));
            var clock = Stopwatch.StartNew();
            await rig.SendAsync(HttpMethod.Post, $"api/nodes/{rig.NodeId}/peers", new { name = $"bench-{i}", publicKey });
            writes.Add(clock.Elapsed.TotalMilliseconds);
            while (!(await rig.DevicePeersAsync()).Contains(hex))
            {
                if (clock.Elapsed > TimeSpan.FromMinutes(2))
                {
                    throw new TimeoutException($"Change {i} did not reach the device within 2 minutes.\n{rig.Logs()}");
                }

                await Task.Delay(10);
            }

            latencies.Add(clock.Elapsed.TotalMilliseconds);
        }

        var p50 = Percentile(latencies, 0.50);
        var p99 = Percentile(latencies, 0.99);
        Console.WriteLine($"  API write (HTTP answer): p50 {Percentile(writes, 0.50):0} ms, p99 {Percentile(writes, 0.99):0} ms");
        Console.WriteLine($"  write → applied:         p50 {p50:0} ms (target ≤ 1000), p99 {p99:0} ms (target ≤ 2500), max {latencies.Max():0} ms");
        Console.WriteLine($"  targets {(p50 <= 1000 && p99 <= 2500 ? "met" : "NOT met")}");
        return 0;
    }

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(p * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }
}

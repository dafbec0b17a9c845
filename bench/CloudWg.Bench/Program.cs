using CloudWg.Bench.Nftables;
using CloudWg.Bench.Propagation;
using CloudWg.Bench.Publishing;
using CloudWg.Bench.WireGuard;

// Benchmarks, not tests: each prints its figures (medians, ratios) for the README. Run as root where they drive
// real wireguard-go / nftables in a private network namespace:  dotnet run -c Release --project bench/CloudWg.Bench -- <name>
var benches = new Dictionary<string, Func<string[], Task<int>>>(StringComparer.OrdinalIgnoreCase)
{
    ["publish"] = PublishBench.RunAsync,
    ["wireguard"] = WireGuardBench.RunAsync,
    ["footprint"] = AgentFootprintBench.RunAsync,
    ["nftables"] = NftablesBench.RunAsync,
    ["propagation"] = PropagationBench.RunAsync,
    ["transactions"] = TransactionsBench.RunAsync,
    ["throughput"] = CloudWg.Bench.Throughput.ThroughputBench.RunAsync,
    ["l4"] = CloudWg.Bench.Throughput.L4Bench.RunAsync,
};

if (args.Length == 0 || !benches.TryGetValue(args[0], out var run))
{
    Console.Error.WriteLine($"usage: CloudWg.Bench <{string.Join('|', benches.Keys)}> [options]");
    return 2;
}

return await run(args[1..]);

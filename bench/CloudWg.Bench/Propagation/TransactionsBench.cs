using System.Globalization;
using System.Text.RegularExpressions;
using CloudWg.EdgeAgent.WireGuard;

namespace CloudWg.Bench.Propagation;

/// <summary>
/// Storage transactions per node-hour, the input of infra/README.md's cost model: the propagation rig (Azurite, the
/// control plane, one enrolled agent on wireguard-go) with Azurite logging every request, counted over an idle window
/// and over a window with peer changes. Requests that carry a SAS (<c>sig=</c>) are the agent's (inbox polls, desired-
/// state blob reads, reports); the rest are the control plane's (publishing, the local timers, report ingest, health).
/// Needs root, wireguard-go, a built solution and <c>npm ci</c>. Arguments: <c>[seconds=120] [changes=12]</c>.
/// </summary>
public static partial class TransactionsBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 120;
        var changes = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 12;
        await using var rig = new PropagationRig();
        await rig.StartAsync(logStorageRequests: true);
        Console.WriteLine($"Storage transactions: one node, idle {seconds} s, then {changes} peer changes over {seconds} s (machine: {Environment.ProcessorCount} cores)");

        // Let enrollment's burst (first publish, renew, initial pull) pass.
        await Task.Delay(TimeSpan.FromSeconds(20));
        var idle = await CountAsync(rig, TimeSpan.FromSeconds(seconds), null);
        var busy = await CountAsync(rig, TimeSpan.FromSeconds(seconds), async i =>
        {
            var publicKey = WgKeyPair.PublicKeyOf(WgKeyPair.GeneratePrivateKey()).ToString();
            await rig.SendAsync(HttpMethod.Post, $"api/nodes/{rig.NodeId}/peers", new { name = $"tx-{i}", publicKey });
        }, changes);

        double PerHour(int count) => count * 3600.0 / seconds;
        Console.WriteLine($"  idle, per node-hour:  agent {PerHour(idle.Agent):0} ({Breakdown(idle.AgentKinds, seconds)}), control plane {PerHour(idle.ControlPlane):0} ({Breakdown(idle.ControlPlaneKinds, seconds)})");
        var perChangeAgent = (busy.Agent - idle.Agent) / (double)changes;
        var perChangeControl = (busy.ControlPlane - idle.ControlPlane) / (double)changes;
        Console.WriteLine($"  per peer change:      agent {perChangeAgent:0.0}, control plane {perChangeControl:0.0} (busy window minus idle window)");
        Console.WriteLine($"  one change a minute:  agent {PerHour(idle.Agent) + (60 * perChangeAgent):0}, control plane {PerHour(idle.ControlPlane) + (60 * perChangeControl):0} per node-hour");
        return 0;
    }

    private static async Task<Counts> CountAsync(PropagationRig rig, TimeSpan window, Func<int, Task>? change, int changes = 0)
    {
        var start = Lines(rig).Count;
        var end = DateTime.UtcNow + window;
        for (var i = 0; change is not null && i < changes; i++)
        {
            await change(i);
            await Task.Delay(window / changes);
        }

        var rest = end - DateTime.UtcNow;
        if (rest > TimeSpan.Zero)
        {
            await Task.Delay(rest);
        }

        var counts = new Counts();
        foreach (var line in Lines(rig).Skip(start))
        {
            var m = Request().Match(line);
            if (!m.Success)
            {
                continue;
            }

            var kind = $"{m.Groups["service"].Value.ToLowerInvariant()} {m.Groups["method"].Value}";
            if (m.Groups["url"].Value.Contains("sig=", StringComparison.Ordinal))
            {
                counts.Agent++;
                counts.AgentKinds[kind] = counts.AgentKinds.GetValueOrDefault(kind) + 1;
            }
            else
            {
                counts.ControlPlane++;
                counts.ControlPlaneKinds[kind] = counts.ControlPlaneKinds.GetValueOrDefault(kind) + 1;
            }
        }

        return counts;
    }

    private static List<string> Lines(PropagationRig rig)
    {
        using var stream = new FileStream(rig.AzuriteDebugLog, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Contains("StorageContextMiddleware: RequestMethod=", StringComparison.Ordinal))
            {
                lines.Add(line);
            }
        }

        return lines;
    }

    private static string Breakdown(Dictionary<string, int> kinds, int seconds) =>
        string.Join(", ", kinds.OrderByDescending(k => k.Value).Select(k => $"{k.Key} {k.Value * 3600.0 / seconds:0}"));

    [GeneratedRegex(@"(?<service>Blob|Queue|Table)StorageContextMiddleware: RequestMethod=(?<method>[A-Z]+) RequestURL=(?<url>\S+)")]
    private static partial Regex Request();

    private sealed class Counts
    {
        public int Agent { get; set; }

        public int ControlPlane { get; set; }

        public Dictionary<string, int> AgentKinds { get; } = [];

        public Dictionary<string, int> ControlPlaneKinds { get; } = [];
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Runtime.ExceptionServices;
using CloudWg.EdgeAgent.Native;
using CloudWg.EdgeAgent.Nftables;
using CloudWg.Protocol.DesiredStates;

namespace CloudWg.Bench.Nftables;

/// <summary>
/// nftables benchmark (issue 7): atomic apply of a 2,000-rule firewall through libnftables against
/// <c>nft -j -f</c> of the same JSON, and the drift check of a clean 2,000-rule table. Runs in a private
/// network namespace (needs root). Usage: <c>NftablesBench.RunAsync(["--rules", "2000", "--runs", "15"])</c>.
/// </summary>
public static class NftablesBench
{
    public static Task<int> RunAsync(string[] args)
    {
        var rules = Option(args, "--rules", 2000);
        var runs = Option(args, "--runs", 15);
        var ns = $"cwg-bench-{Guid.NewGuid().ToString("N")[..8]}";
        Run("ip", "netns", "add", ns);
        try
        {
            var spec = Firewall(rules);
            var context = new NftablesRenderContext("wg0", 51820, [443]);
            var json = NftablesRenderer.Render(spec, context);
            var file = Path.Combine(Path.GetTempPath(), $"{ns}.json");
            File.WriteAllText(file, json);
            try
            {
                var result = InNamespace(ns, () =>
                {
                    using var driver = new NftablesDriver();
                    using var session = new NftablesSession();
                    driver.Apply(spec, context);
                    var drift = driver.CheckDrift(spec, context);
                    if (drift.HasDrift)
                    {
                        throw new InvalidOperationException($"a clean table reported drift: {drift}");
                    }

                    // The contenders run in turn within each round, so load from other processes on a shared
                    // machine hits them alike. nft is started from this thread and so inherits its network
                    // namespace (fork copies the calling thread's).
                    var medians = MeasureInterleaved(runs,
                        () => NftablesRenderer.Render(spec, context),
                        () => session.Run(json),
                        () => driver.Apply(spec, context),
                        () => Run("nft", "-j", "-f", file),
                        () => driver.CheckDrift(spec, context));
                    return (rendered: medians[0], library: medians[1], applied: medians[2], cli: medians[3], check: medians[4]);
                });

                var ruleCount = json.Split("\"rule\"").Length - 1;
                Console.WriteLine($"nftables: {rules} firewall rules ({ruleCount} nft rules, {json.Length / 1024} KiB JSON), {runs} interleaved runs each, medians");
                Console.WriteLine($"  render (pure C#)                         {Ms(result.rendered)}");
                Console.WriteLine($"  libnftables run of the JSON batch        {Ms(result.library)}");
                Console.WriteLine($"  driver apply (render + libnftables)      {Ms(result.applied)}");
                Console.WriteLine($"  nft -j -f (same JSON, new process)       {Ms(result.cli)}");
                Console.WriteLine($"  ratio driver apply / nft -j -f           {(result.applied / result.cli).ToString("0.00", CultureInfo.InvariantCulture)}x (target <= 1.2x)");
                Console.WriteLine($"  ratio libnftables / nft -j -f            {(result.library / result.cli).ToString("0.00", CultureInfo.InvariantCulture)}x");
                Console.WriteLine($"  drift check of the clean table           {Ms(result.check)}");
                return Task.FromResult(0);
            }
            finally
            {
                File.Delete(file);
            }
        }
        finally
        {
            Run("ip", "netns", "del", ns);
        }
    }

    /// <summary>A realistic mix: per-peer TCP/UDP services, ICMP, ranges, some long source lists (named sets).</summary>
    internal static FirewallSpec Firewall(int count)
    {
        var rules = new List<FirewallRuleSpec>(count);
        for (var i = 0; i < count; i++)
        {
            var direction = (FirewallDirection)(i % 3);
            var protocol = (i % 10) switch
            {
                9 => FirewallProtocol.Icmp,
                8 => FirewallProtocol.Udp,
                _ => FirewallProtocol.Tcp,
            };
            IReadOnlyList<string> ports = protocol == FirewallProtocol.Icmp ? [] : i % 7 == 0 ? [$"{8000 + (i % 500)}-{8100 + (i % 500)}", "443"] : [$"{1024 + i}"];
            IReadOnlyList<string> sources = i % 50 == 0
                ? [.. Enumerable.Range(0, 20).Select(j => $"10.{i % 200}.{j}.0/24")]
                : [$"10.44.{i / 250}.{i % 250 + 1}/32"];
            IReadOnlyList<string> destinations = i % 4 == 0 ? [$"fd00:44::{i:x}/128"] : [];
            if (destinations.Count > 0)
            {
                sources = [$"fd00:44::{i + 5000:x}/128"];
            }

            rules.Add(new FirewallRuleSpec($"rule-{i:D5}", direction, protocol, ports, sources, destinations,
                i % 5 == 0 ? FirewallAction.Drop : FirewallAction.Accept, i % 100, null));
        }

        return new FirewallSpec(new FirewallPolicies(FirewallAction.Drop, FirewallAction.Drop, FirewallAction.Accept), rules);
    }

    private static double[] MeasureInterleaved(int runs, params Action[] actions)
    {
        var samples = actions.Select(_ => new List<double>(runs)).ToArray();
        for (var round = -1; round < runs; round++)
        {
            for (var i = 0; i < actions.Length; i++)
            {
                var watch = Stopwatch.StartNew();
                actions[i]();
                if (round >= 0)
                {
                    samples[i].Add(watch.Elapsed.TotalMilliseconds);
                }
            }
        }

        return [.. samples.Select(s => s.Order().ElementAt(s.Count / 2))];
    }

    private static string Ms(double ms) => ms.ToString("0.0", CultureInfo.InvariantCulture).PadLeft(8) + " ms";

    private static T InNamespace<T>(string ns, Func<T> action)
    {
        T result = default!;
        ExceptionDispatchInfo? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var handle = File.OpenHandle($"/var/run/netns/{ns}");
                if (LibC.SetNs((int)handle.DangerousGetHandle(), LibC.CloneNewNet) != 0)
                {
                    throw new InvalidOperationException($"setns({ns}) failed; the benchmark needs root.");
                }

                result = action();
            }
            catch (Exception e)
            {
                failure = ExceptionDispatchInfo.Capture(e);
            }
        });
        thread.Start();
        thread.Join();
        failure?.Throw();
        return result;
    }

    private static void Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)}: {error}");
        }
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
    }
}

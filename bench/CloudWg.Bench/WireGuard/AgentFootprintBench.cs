using System.Diagnostics;
using System.Globalization;
using CloudWg.EdgeAgent.Enrollment;
using CloudWg.EdgeAgent.Hosting;
using CloudWg.EdgeAgent.Infrastructure;
using CloudWg.EdgeAgent.State;
using CloudWg.EdgeAgent.WireGuard;
using CloudWg.EdgeAgent.WireGuard.Uapi;
using CloudWg.Protocol.DesiredStates;
using CloudWg.Protocol.Json;
using CloudWg.Protocol.Jws;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace CloudWg.Bench.WireGuard;

/// <summary>
/// The published agent binary: its size, start-up-to-applied time from the cache with the control plane
/// unreachable (cold: no device yet; warm: agent restarted while wireguard-go kept running), and steady RSS
/// with N peers. Needs root, wireguard-go, and <c>dotnet publish edge-agent -r linux-x64 -c Release</c>.
/// Arguments: <c>path/to/cloudwg-agent [peers=10000]</c>.
/// </summary>
public static class AgentFootprintBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var binary = args.Length > 0 ? args[0] : "edge-agent/bin/Release/net10.0/linux-x64/publish/cloudwg-agent";
        var peers = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10_000;
        var suffix = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3));
        var ns = $"cwgfoot{suffix}";
        var iface = $"wgf{suffix}";
        var stateDir = Directory.CreateTempSubdirectory("cwg-footprint-").FullName;
        await ProcessRunner.RunAsync("ip", ["netns", "add", ns], CancellationToken.None);
        try
        {
            await SeedAsync(stateDir, iface, peers);
            var client = new UapiWireGuardClient();
            var size = new FileInfo(binary).Length;
            var libs = Directory.GetFiles(Path.GetDirectoryName(Path.GetFullPath(binary))!, "*.so").Sum(f => new FileInfo(f).Length);

            var (coldMs, _) = await StartUntilAppliedAsync(binary, stateDir, ns, async () => await client.DeviceExistsAsync(iface, default) && (await client.GetDeviceAsync(iface, default)).Peers.Count == peers);
            var warm = await StartUntilAppliedAsync(binary, stateDir, ns, () => Task.FromResult(StartupRecords(stateDir) >= 2), keep: true);
            await Task.Delay(TimeSpan.FromSeconds(35));
            var rss = Rss(warm.Process!);
            warm.Process!.Kill();
            await warm.Process.WaitForExitAsync();

            Console.WriteLine($"Agent footprint, {peers} peers (machine: {Environment.ProcessorCount} cores)");
            Console.WriteLine($"  binary: {size / 1024.0 / 1024.0:0.0} MiB (+ {libs / 1024.0 / 1024.0:0.0} MiB native libraries: e_sqlite3, libsodium)");
            Console.WriteLine($"  start-up to applied from cache, cold (starts wireguard-go, sets {peers} peers): {coldMs:0} ms");
            Console.WriteLine($"  start-up to applied from cache, warm (device already configured):          {warm.Ms:0} ms");
            Console.WriteLine($"  steady RSS after a periodic pass: {rss / 1024.0:0.0} MiB");
            return 0;
        }
        finally
        {
            await ProcessRunner.RunAsync("ip", ["-n", ns, "link", "del", iface], CancellationToken.None);
            File.Delete($"/var/run/wireguard/{iface}.sock");
            await ProcessRunner.RunAsync("ip", ["netns", "del", ns], CancellationToken.None);
            SqliteConnection.ClearAllPools();
            Directory.Delete(stateDir, recursive: true);
        }
    }

    private static async Task SeedAsync(string stateDir, string iface, int peers)
    {
        using var signer = EcdsaJwsSigner.Create("bench");
        using var core = AgentHost.BuildCore(new AgentHostSettings { StateDirectory = stateDir, ConfigFile = null });
        var identity = core.GetRequiredService<NodeIdentityStore>();
        identity.GetOrCreateWireGuardKey();
        identity.SaveTrustBundle(TrustBundle.FromKeys(signer.PublicJwk));
        const string Down = "http://127.0.0.1:9";
        var expires = DateTimeOffset.UtcNow.AddDays(30);
        identity.SaveEnrollment(new AgentEnrollment("bench", Down, Down + "/a/q?s=1", expires, Down + "/a/b?s=1", expires, Down + "/a/r?s=1", expires, DateTimeOffset.UtcNow, expires));
        using var tls = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        identity.SaveTlsKey(tls);
        var specs = Enumerable.Range(0, peers).Select(i => new PeerSpec(
            WgKeyPair.PublicKeyOf(WgKeyPair.GeneratePrivateKey()).ToString(), null, [$"10.{100 + (i >> 16)}.{(i >> 8) & 255}.{i & 255}/32"], null)).ToList();
        var state = new DesiredState(1, "bench", 1, DateTimeOffset.UtcNow, new WireGuardSpec(iface, 51820, ["10.100.0.1/9"], 1420, specs),
            new L4Spec([]), new FirewallSpec(new FirewallPolicies(FirewallAction.Accept, FirewallAction.Accept, FirewallAction.Accept), []));
        var jws = await Jws.SignAsync(signer, CanonicalJson.Serialize(state), JwsTypes.DesiredState);
        var result = core.GetRequiredService<EdgeAgent.Inbox.DesiredStateIntake>().Offer(jws, "file", null, JwsVerifier.LargeDesiredStateMaxLength);
        if (result.Outcome != EdgeAgent.Inbox.IntakeOutcome.Accepted)
        {
            throw new InvalidOperationException($"seed rejected: {result.Reason} {result.Detail}");
        }
    }

    private static async Task<(double Ms, Process? Process)> StartUntilAppliedAsync(string binary, string stateDir, string ns, Func<Task<bool>> applied, bool keep = false)
    {
        var psi = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "run", "--state-dir", stateDir, "--config", "/nonexistent.json" })
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["CLOUDWG_AGENT_WireGuard__NetworkNamespace"] = ns;
        psi.Environment["CLOUDWG_AGENT_Logging__LogLevel__Default"] = "Warning";
        var watch = Stopwatch.StartNew();
        var process = Process.Start(psi)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        while (!await applied())
        {
            if (watch.Elapsed > TimeSpan.FromMinutes(3))
            {
                throw new TimeoutException("the agent did not apply the cached state");
            }

            await Task.Delay(20);
        }

        var ms = watch.Elapsed.TotalMilliseconds;
        if (!keep)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        return (ms, keep ? process : null);
    }

    private static int StartupRecords(string stateDir)
    {
        try
        {
            using var connection = new SqliteConnection($"Data Source={Path.Combine(stateDir, AgentStateStore.FileName)};Mode=ReadOnly;Pooling=False");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM reconcile_history WHERE trigger = 'startup' AND outcome != 'failed'";
            return Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture);
        }
        catch (SqliteException)
        {
            return 0;
        }
    }

    private static long Rss(Process process)
    {
        foreach (var line in File.ReadLines($"/proc/{process.Id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using CloudWg.Functions.FirewallRules;
using CloudWg.Functions.Hosting;
using CloudWg.Functions.Nodes;
using CloudWg.Functions.Peers;
using CloudWg.Functions.Pki;
using CloudWg.Functions.Publishing;
using CloudWg.Functions.Routes;
using CloudWg.Functions.Storage;
using CloudWg.Functions.Validation;
using CloudWg.Protocol.Json;
using CloudWg.Protocol.Jws;
using CloudWg.Protocol.Validation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CloudWg.Bench.Publishing;

/// <summary>
/// Publishing one node with 10,000 peers. (1) compile + validate + sign in memory; (2) publish end to end against
/// Azurite: take a version, read the node's rows, compile, sign, write the blob, record, notify — repeatedly, so the
/// peers are unchanged since the instance last read them (as for a route, firewall-rule or node change), and (3) the
/// same right after a peer changed, so every publish reads all peer rows. Prints medians. Targets: (1) ≤ 150 ms,
/// (2) ≤ 300 ms. Storage: <c>CLOUDWG_BENCH_STORAGE</c> (a connection string), else a private
/// in-memory Azurite from the repository's node_modules. Arguments: <c>--peers N</c> (default 10000), <c>--runs N</c>.
/// </summary>
public static class PublishBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var peers = Option(args, "--peers", 10_000);
        var runs = Option(args, "--runs", 15);
        Console.WriteLine($"PublishBench: one node with {peers} peers, {runs} runs each, {Environment.ProcessorCount} CPU(s)");

        var snapshot = Snapshot("nbenchaaaaaaa", peers, i => $"nbenchaaaaaaa-p{i:D12}");
        using var signer = EcdsaJwsSigner.Create();
        List<double> compile = [], compileOnly = [], validateOnly = [], signOnly = [];
        for (var i = -3; i < runs; i++)
        {
            var watch = Stopwatch.StartNew();
            var state = DesiredStateCompiler.Compile(snapshot, i + 10, DateTimeOffset.UtcNow);
            var compiled = watch.Elapsed.TotalMilliseconds;
            var errors = DesiredStateValidator.Validate(state);
            var validated = watch.Elapsed.TotalMilliseconds;
            var document = await Jws.SignDocumentAsync(signer, state, JwsTypes.DesiredState);
            watch.Stop();
            if (errors.Count > 0 || document.Compact.Length == 0)
            {
                throw new InvalidOperationException("The benchmark state is invalid: " + errors[0].Message);
            }

            if (i >= 0)
            {
                compile.Add(watch.Elapsed.TotalMilliseconds);
                compileOnly.Add(compiled);
                validateOnly.Add(validated - compiled);
                signOnly.Add(watch.Elapsed.TotalMilliseconds - validated);
            }
        }

        Report("  compile", compileOnly, null, "storage snapshot → DesiredState");
        Report("  validate", validateOnly, null, "DesiredStateValidator");
        Report("  canonical JSON + sign", signOnly, null, "ES256");

        var size = CanonicalJson.Serialize(DesiredStateCompiler.Compile(snapshot, 1, DateTimeOffset.UtcNow)).Length;
        Report("compile + validate + sign (in memory)", compile, 150, $"payload {size / 1024} KiB");

        await using var storage = await BenchStorage.StartAsync();
        var (publish, afterChange) = await PublishEndToEndAsync(storage.ConnectionString, peers, Math.Max(5, runs / 2));
        Report("publish end to end (Azurite)", publish, 300, "version CAS, peer stamp + 3 reads, compile, sign, blob, record, queue");
        Report("publish end to end right after a peer change (Azurite)", afterChange, null, "the same, reading all peer rows");
        return 0;
    }

    private static async Task<(List<double> Unchanged, List<double> AfterChange)> PublishEndToEndAsync(string connectionString, int peerCount, int runs)
    {
        var state = Directory.CreateTempSubdirectory("cloudwg-bench-");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = connectionString,
            ["CloudWg:Storage:Prefix"] = "b" + Guid.NewGuid().ToString("N")[..10],
        }).Build();
        var services = new ServiceCollection()
            .AddLogging(l => l.SetMinimumLevel(LogLevel.Warning).AddConsole())
            .AddSingleton(TimeProvider.System)
            .AddSingleton<IConfiguration>(configuration)
            .AddCloudWgStorage(configuration)
            .AddCloudWgFleet()
            .AddCloudWgPublishing()
            .AddLocalConfigSigningKeys();
        services.AddOptions<CloudWgOptions>().Configure(o => o.StateDirectory = state.FullName);
        services.AddSingleton<StateDirectory>();
        await using var provider = services.BuildServiceProvider();
        var storage = provider.GetRequiredService<StorageClients>();
        await StorageInitializer.EnsureCreatedAsync(storage, CancellationToken.None);

        // Ids as the API makes them: the node's peers are read as row-key ranges of their random part.
        var nodeId = ResourceIds.NewNodeId();
        var snapshot = Snapshot(nodeId, peerCount, _ => ResourceIds.NewChildId(nodeId, ResourceIds.Peer));
        await provider.GetRequiredService<NodeStore>().CreateAsync(snapshot.Node, CancellationToken.None);
        var peerStore = provider.GetRequiredService<PeerStore>();
        Console.WriteLine($"  (setup: writing {peerCount} peers to Azurite)");
        await Parallel.ForEachAsync(snapshot.Peers, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (peer, ct) => await peerStore.CreateAsync(peer, ct));

        var publisher = provider.GetRequiredService<NodePublisher>();
        var times = new List<double>();
        for (var i = -2; i < runs; i++)
        {
            var watch = Stopwatch.StartNew();
            var result = await publisher.PublishAsync(snapshot.Node.Id, CancellationToken.None);
            watch.Stop();
            if (result is not { Superseded: false })
            {
                throw new InvalidOperationException("The publish did not happen.");
            }

            if (i >= 0)
            {
                times.Add(watch.Elapsed.TotalMilliseconds);
            }
        }

        // Each publish right after a peer write (untimed), as a peer's creation, change or deletion is published.
        var afterChange = new List<double>();
        var changed = await peerStore.GetAsync(snapshot.Peers[0].Id, CancellationToken.None) ?? throw new InvalidOperationException("No peer.");
        for (var i = -1; i < runs; i++)
        {
            changed = await peerStore.UpdateAsync(changed, changed with { PersistentKeepalive = 25 + (i & 1) }, changed.ETag, CancellationToken.None)
                ?? throw new InvalidOperationException("The peer update failed.");
            var watch = Stopwatch.StartNew();
            var result = await publisher.PublishAsync(snapshot.Node.Id, CancellationToken.None);
            watch.Stop();
            if (result is not { Superseded: false })
            {
                throw new InvalidOperationException("The publish did not happen.");
            }

            if (i >= 0)
            {
                afterChange.Add(watch.Elapsed.TotalMilliseconds);
            }
        }

        // Load alone, to show where the end-to-end time goes.
        var loader = provider.GetRequiredService<SnapshotLoader>();
        List<double> loads = [], cached = [];
        for (var i = 0; i < 5; i++)
        {
            var watch = Stopwatch.StartNew();
            await loader.LoadAsync(snapshot.Node.Id, fresh: true, CancellationToken.None);
            loads.Add(watch.Elapsed.TotalMilliseconds);
            watch.Restart();
            await loader.LoadAsync(snapshot.Node.Id, CancellationToken.None);
            cached.Add(watch.Elapsed.TotalMilliseconds);
        }

        Report("  reading the node's rows", loads, null, "8 peer row-key ranges at once + 2 partition queries + 1 point read");
        Report("  reading them with the peers unchanged", cached, null, "peer stamp + 2 partition queries + 1 point read");
        state.Delete(recursive: true);
        return (times, afterChange);
    }

    private static NodeSnapshot Snapshot(string nodeId, int peerCount, Func<int, string> peerId)
    {
        var now = DateTimeOffset.UtcNow;
        var node = new Node(nodeId, "bench", "vpn.example.com", 51820, "10.64.0.0/16", "fd00:64::/64", 1420, 25, [":443"], [],
            Node.DefaultFirewallPolicy, null, NodeStatuses.Enrolled, now, now);
        var peers = new List<Peer>(peerCount);
        for (var i = 0; i < peerCount; i++)
        {
            var host = i + 2;
            List<string> addresses = [$"10.64.{host / 256}.{host % 256}/32", $"fd00:64::{host:x}/128"];
            peers.Add(new Peer(peerId(i), nodeId, $"peer-{i}", Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
                i % 4 == 0 ? Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) : null, addresses, addresses, null, true, null, null, now, now));
        }

        return new NodeSnapshot(node, peers, Array.Empty<SniRoute>(), Array.Empty<FirewallRule>());
    }

    private static void Report(string what, List<double> times, double? target, string note)
    {
        times.Sort();
        var median = times[times.Count / 2];
        var verdict = target is { } t ? (median <= t ? $"  (target ≤ {t} ms: met)" : $"  (target ≤ {t} ms: MISSED)") : "";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{what}: median {median:F1} ms, min {times[0]:F1}, max {times[^1]:F1}, n={times.Count}{verdict} — {note}"));
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length && int.TryParse(args[index + 1], CultureInfo.InvariantCulture, out var value) ? value : fallback;
    }

    /// <summary>The storage the benchmark writes to.</summary>
    private sealed class BenchStorage : IAsyncDisposable
    {
        private readonly Process? process;

        private BenchStorage(string connectionString, Process? process)
        {
            ConnectionString = connectionString;
            this.process = process;
        }

        public string ConnectionString { get; }

        public static async Task<BenchStorage> StartAsync()
        {
            var configured = Environment.GetEnvironmentVariable("CLOUDWG_BENCH_STORAGE");
            if (!string.IsNullOrWhiteSpace(configured))
            {
                return new BenchStorage(configured, null);
            }

            var root = RepositoryLayout.FindRoot(AppContext.BaseDirectory) ?? throw new InvalidOperationException("Run from a CloudWg checkout.");
            var azurite = Path.Combine(root, "node_modules", ".bin", "azurite");
            if (!File.Exists(azurite))
            {
                throw new InvalidOperationException($"Azurite is not installed at {azurite}: run `npm ci`, or set CLOUDWG_BENCH_STORAGE.");
            }

            int[] ports = [FreePort(), FreePort(), FreePort()];
            var start = new ProcessStartInfo(azurite) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[] { "--silent", "--inMemoryPersistence", "--skipApiVersionCheck", "--loose", "--disableTelemetry",
                "--blobPort", $"{ports[0]}", "--queuePort", $"{ports[1]}", "--tablePort", $"{ports[2]}" })
            {
                start.ArgumentList.Add(arg);
            }

            var process = Process.Start(start) ?? throw new InvalidOperationException("Azurite did not start.");
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            foreach (var port in ports)
            {
                for (var attempt = 0; ; attempt++)
                {
                    try
                    {
                        using var client = new TcpClient();
                        await client.ConnectAsync(IPAddress.Loopback, port);
                        break;
                    }
                    catch (SocketException) when (attempt < 600)
                    {
                        await Task.Delay(100);
                    }
                }
            }

            const string Account = "devstoreaccount1";
            const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
            return new BenchStorage(
                $"DefaultEndpointsProtocol=http;AccountName={Account};AccountKey={Key};BlobEndpoint=http://127.0.0.1:{ports[0]}/{Account};" +
                $"QueueEndpoint=http://127.0.0.1:{ports[1]}/{Account};TableEndpoint=http://127.0.0.1:{ports[2]}/{Account};",
                process);
        }

        public async ValueTask DisposeAsync()
        {
            if (process is { HasExited: false })
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            process?.Dispose();
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }
}

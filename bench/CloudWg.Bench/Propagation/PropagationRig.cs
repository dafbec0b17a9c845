using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CloudWg.EdgeAgent.Infrastructure;

namespace CloudWg.Bench.Propagation;

/// <summary>
/// The moving parts of the propagation benchmark, as in the end-to-end test (tests/CloudWg.SystemTests): a private
/// Azurite, the control plane as a process, and cloudwg-agent in the root namespace managing wireguard-go in a
/// private network namespace, with the UAPI socket in a private directory (bind-mounted over /var/run/wireguard in
/// a private mount namespace, so parallel runs never share <c>cloudwg0.sock</c>).
/// </summary>
internal sealed class PropagationRig : IAsyncDisposable
{
    public const string Interface = "cloudwg0";

    private readonly string root = Directory.CreateTempSubdirectory("cwg-bench-prop-").FullName;
    private readonly string repository = FindRoot();
    private readonly string ns = "node-b" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4));
    private readonly List<(string Name, Process Process, ConcurrentQueue<string> Log)> processes = [];
    private HttpClient? api;

    public string SocketDirectory => Path.Combine(root, "uapi");

    public HttpClient Api => api ?? throw new InvalidOperationException("Not started.");

    public string NodeId { get; private set; } = "";

    /// <summary>Azurite's debug log (one line per storage request), written when <see cref="StartAsync"/> is asked to.</summary>
    public string AzuriteDebugLog => Path.Combine(root, "azurite-debug.log");

    /// <param name="logStorageRequests">Start Azurite with <c>--debug</c> into <see cref="AzuriteDebugLog"/> (transaction counts).</param>
    public async Task StartAsync(bool logStorageRequests = false)
    {
        var (blob, queue, table) = (FreePort(), FreePort(), FreePort());
        string[] debug = logStorageRequests ? ["--debug", AzuriteDebugLog] : [];
        Start("azurite", Path.Combine(repository, "node_modules", ".bin", "azurite"),
            ["--silent", "--inMemoryPersistence", "--skipApiVersionCheck", "--loose", "--disableTelemetry",
             "--blobPort", Text(blob), "--queuePort", Text(queue), "--tablePort", Text(table), .. debug]);
        const string key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
        var storage = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={key};" +
            $"BlobEndpoint=http://127.0.0.1:{blob}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{queue}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{table}/devstoreaccount1;";
        await UntilAsync("Azurite", async () => await ListeningAsync(blob) && await ListeningAsync(queue) && await ListeningAsync(table));

        var port = FreePort();
        var baseUrl = new Uri($"http://127.0.0.1:{port}/");
        var functions = Path.Combine(repository, "functions", "bin", Configuration, "net10.0");
        var state = Path.Combine(root, "control-plane");
        Start("control plane", "dotnet", [Path.Combine(functions, "CloudWg.Functions.dll")], new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = baseUrl.AbsoluteUri.TrimEnd('/'),
            ["AzureWebJobsStorage"] = storage,
            ["CloudWg__StateDirectory"] = state,
            ["CloudWg__SpaDirectory"] = Path.Combine(root, "no-spa"),
            ["Logging__LogLevel__Default"] = "Warning",
        }, functions);
        api = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(60) };
        api.DefaultRequestHeaders.Add("X-CloudWg-Request", "1");
        await UntilAsync("the control plane", async () => (await Api.GetAsync(new Uri("api/health", UriKind.Relative))).IsSuccessStatusCode && File.Exists(Path.Combine(state, "setup-token")));

        var setupToken = (await File.ReadAllTextAsync(Path.Combine(state, "setup-token"))).Trim();
        await SendAsync(HttpMethod.Post, "api/setup", new { token = setupToken, username = "owner", password = "correct horse battery staple 42" });
        await SendAsync(HttpMethod.Post, "api/auth/login", new { username = "owner", password = "correct horse battery staple 42" });
        var node = await SendAsync(HttpMethod.Post, "api/nodes", new { name = "bench", endpoint = "10.251.0.1", ipv4Network = "10.78.0.0/16" });
        NodeId = node["id"]!.GetValue<string>();
        var token = (await SendAsync(HttpMethod.Post, $"api/nodes/{NodeId}/enrollment", null))["token"]!.GetValue<string>();

        await Checked("ip", "netns", "add", ns);
        Directory.CreateDirectory(SocketDirectory);
        Directory.CreateDirectory("/var/run/wireguard");
        var userspace = Path.Combine(root, "wireguard-go-private.sh");
        await File.WriteAllTextAsync(userspace, $"""
            #!/bin/sh
            exec unshare --mount --propagation private sh -c 'mount --bind "$0" /var/run/wireguard && exec wireguard-go "$@"' "{SocketDirectory}" "$@"

            """);
        File.SetUnixFileMode(userspace, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var config = Path.Combine(root, "agent.json");
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new
        {
            WireGuard = new { NetworkNamespace = ns, UapiSocketDirectory = SocketDirectory, UserspaceCommand = userspace },
            Logging = new { LogLevel = new { Default = "Warning" } },
        }));
        var agent = Path.Combine(repository, "edge-agent", "bin", Configuration, "net10.0", "cloudwg-agent.dll");
        var agentState = Path.Combine(root, "agent-state");
        await Checked("dotnet", agent, "enroll", "--control-url", baseUrl.AbsoluteUri.TrimEnd('/'), "--token", token, "--state-dir", agentState, "--config", config);
        Start("agent", "dotnet", [agent, "run", "--state-dir", agentState, "--config", config]);
        await UntilAsync("the agent's WireGuard device", () => Task.FromResult(File.Exists(Path.Combine(SocketDirectory, Interface + ".sock"))));
    }

    public async Task<JsonObject> SendAsync(HttpMethod method, string path, object? body)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        using var response = await Api.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{method} /{path} answered {(int)response.StatusCode}: {text}");
        }

        return string.IsNullOrWhiteSpace(text) ? [] : JsonNode.Parse(text) as JsonObject ?? [];
    }

    /// <summary>The public keys (hex, as UAPI prints them) on the node's device, read straight from its UAPI socket.</summary>
    public async Task<HashSet<string>> DevicePeersAsync()
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(Path.Combine(SocketDirectory, Interface + ".sock")));
        await socket.SendAsync("get=1\n\n"u8.ToArray());
        var text = new StringBuilder();
        var buffer = new byte[64 * 1024];
        while (!text.ToString().EndsWith("\n\n", StringComparison.Ordinal))
        {
            var read = await socket.ReceiveAsync(buffer);
            if (read == 0)
            {
                break;
            }

            text.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        return text.ToString().Split('\n').Where(l => l.StartsWith("public_key=", StringComparison.Ordinal)).Select(l => l["public_key=".Length..]).ToHashSet(StringComparer.Ordinal);
    }

    public string Logs() => string.Join('\n', processes.Select(p => $"--- {p.Name} ---\n" + string.Join('\n', p.Log)));

    public async ValueTask DisposeAsync()
    {
        foreach (var (_, process, _) in Enumerable.Reverse(processes))
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            process.Dispose();
        }

        var pids = await ProcessRunner.RunAsync("ip", ["netns", "pids", ns], CancellationToken.None);
        foreach (var pid in pids.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            await ProcessRunner.RunAsync("kill", ["-9", pid], CancellationToken.None);
        }

        await ProcessRunner.RunAsync("ip", ["netns", "del", ns], CancellationToken.None);
        api?.Dispose();
        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (IOException)
        {
            // A socket of a killed daemon; the temporary directory is harmless.
        }
    }

    private static string Configuration => AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private void Start(string name, string file, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = workingDirectory ?? root };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (k, v) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[k] = v;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"{name} did not start.");
        var log = new ConcurrentQueue<string>();
        void Add(string? line)
        {
            if (line is not null)
            {
                log.Enqueue(line);
                while (log.Count > 200 && log.TryDequeue(out _))
                {
                }
            }
        }

        process.OutputDataReceived += (_, e) => Add(e.Data);
        process.ErrorDataReceived += (_, e) => Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        processes.Add((name, process, log));
    }

    private static async Task Checked(string file, params string[] args)
    {
        var result = await ProcessRunner.RunAsync(file, args, CancellationToken.None);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"'{file} {string.Join(' ', args)}' failed: {result.StandardError.Trim()} {result.StandardOutput.Trim()}");
        }
    }

    private async Task UntilAsync(string what, Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or SocketException or IOException or TaskCanceledException)
            {
                // Not up yet.
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"Timed out waiting for {what}.\n{Logs()}");
    }

    private static async Task<bool> ListeningAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CloudWg.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Cannot find the repository root (CloudWg.sln) above " + AppContext.BaseDirectory);
    }
}

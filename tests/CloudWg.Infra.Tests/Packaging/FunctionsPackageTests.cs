using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using CloudWg.Infra.Tests.Support;

namespace CloudWg.Infra.Tests.Packaging;

/// <summary>The package `make package` builds, started the way the Azure Functions host starts a
/// custom handler: the executable named in host.json, the port in FUNCTIONS_CUSTOMHANDLER_PORT.</summary>
[Trait("Category", "Slow")]
public sealed class FunctionsPackageTests(FunctionsPackageFixture package) : IClassFixture<FunctionsPackageFixture>
{
    private const string AgentTarball = "cloudwg-agent-linux-x64.tar.gz";
    private const UnixFileMode Executable = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    [Fact]
    public void ZipHoldsHostJsonFunctionFoldersStartScriptAndSelfContainedApp()
    {
        using var zip = ZipFile.OpenRead(package.Zip);
        var entries = zip.Entries.ToDictionary(e => e.FullName, StringComparer.Ordinal);

        Assert.Equal(
            File.ReadAllText(Path.Combine(package.FunctionsDirectory, "host.json")),
            File.ReadAllText(Path.Combine(package.Unpacked, "host.json")));
        Assert.NotEmpty(package.FunctionFolders);
        foreach (var folder in package.FunctionFolders)
        {
            var name = Path.GetFileName(folder);
            Assert.Contains($"{name}/function.json", entries.Keys);
            Assert.Equal(
                File.ReadAllText(Path.Combine(package.FunctionsDirectory, folder, "function.json")),
                File.ReadAllText(Path.Combine(package.Unpacked, name, "function.json")));
        }

        // Modes live in the high 16 bits of the external attributes; the platform's unzip applies them.
        foreach (var executable in new[] { "start.sh", "CloudWg.Functions" })
        {
            var mode = (UnixFileMode)((entries[executable].ExternalAttributes >> 16) & 0x1FF);
            Assert.True(mode.HasFlag(Executable), $"{executable} is not executable in the zip ({mode})");
        }

        // Self-contained: the runtime ships in the package, so no framework version on the host matters.
        Assert.Contains("libcoreclr.so", entries.Keys);
        Assert.Contains("Microsoft.AspNetCore.dll", entries.Keys);
        var runtimeConfig = JsonNode.Parse(File.ReadAllText(Path.Combine(package.Unpacked, "CloudWg.Functions.runtimeconfig.json")))!;
        Assert.NotNull(runtimeConfig["runtimeOptions"]?["includedFrameworks"]);
    }

    [Fact]
    public async Task ZipCarriesTheNativeAotAgentTarballThatInstallCommandsDownload()
    {
        var tarball = Path.Combine(package.Unpacked, "agent", AgentTarball);
        Assert.True(File.Exists(tarball), $"{tarball} is missing: nodes could not be installed from an Azure deployment");

        var listing = await ProcessRunner.RunAsync("tar", ["-tvzf", tarball], TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);
        Assert.True(listing.ExitCode == 0, listing.Describe());
        var entries = listing.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        foreach (var file in new[] { "./cloudwg-agent", "./libe_sqlite3.so", "./libsodium.so", "./cloudwg-agent.service" })
        {
            Assert.Contains(entries, e => e.EndsWith(" " + file, StringComparison.Ordinal));
        }

        // A native executable (NativeAOT), not a managed assembly needing a runtime on the node.
        Assert.StartsWith("-rwx", entries.Single(e => e.EndsWith(" ./cloudwg-agent", StringComparison.Ordinal)), StringComparison.Ordinal);
        var scratch = Directory.CreateTempSubdirectory("cloudwg-agent-tarball-").FullName;
        try
        {
            var extract = await ProcessRunner.RunAsync("tar", ["-xzf", tarball, "-C", scratch, "./cloudwg-agent"], TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);
            Assert.True(extract.ExitCode == 0, extract.Describe());
            var header = new byte[4];
            await using (var binary = File.OpenRead(Path.Combine(scratch, "cloudwg-agent")))
            {
                await binary.ReadExactlyAsync(header, TestContext.Current.CancellationToken);
            }

            Assert.Equal([0x7F, (byte)'E', (byte)'L', (byte)'F'], header);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    [Fact]
    public void ZipCarriesTheSpaAsAProductionBuildInWwwroot()
    {
        using var zip = ZipFile.OpenRead(package.Zip);
        var spa = zip.Entries.Select(e => e.FullName).Where(e => e.StartsWith("wwwroot/", StringComparison.Ordinal)).Select(e => e["wwwroot/".Length..]).ToHashSet(StringComparer.Ordinal);

        Assert.Contains("index.html", spa);
        Assert.Contains(spa, e => e.StartsWith("assets/", StringComparison.Ordinal) && e.EndsWith(".js", StringComparison.Ordinal));
        Assert.DoesNotContain(spa, e => e.EndsWith(".map", StringComparison.Ordinal) || e.EndsWith(".ts", StringComparison.Ordinal) || e.EndsWith(".tsx", StringComparison.Ordinal));

        // The page references only bundled, hashed assets (nothing from another origin).
        using var index = new StreamReader(zip.GetEntry("wwwroot/index.html")!.Open());
        var html = index.ReadToEnd();
        Assert.Matches("src=\"/assets/[^\"]+\\.js\"", html);
        Assert.DoesNotContain("http://", html, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);

        // The agent tarball is also a release asset of its own, the same bytes as the one inside.
        Assert.Equal(
            File.ReadAllBytes(Path.Combine(package.Unpacked, "agent", AgentTarball)),
            File.ReadAllBytes(Path.Combine(Path.GetDirectoryName(package.Zip)!, AgentTarball)));
    }

    [Fact]
    public async Task StartedLikeTheFunctionsHostItAnswersHealthOnExactlyThePortGiven()
    {
        var host = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(package.Unpacked, "host.json"), TestContext.Current.CancellationToken))!;
        var description = host["customHandler"]!["description"]!;
        Assert.True((bool)host["customHandler"]!["enableProxyingHttpRequest"]!);
        var executable = (string)description["defaultExecutablePath"]!;
        var workingDirectory = (string?)description["workingDirectory"] is { Length: > 0 } wd
            ? Path.Combine(package.Unpacked, wd)
            : package.Unpacked;
        var port = FreePort.Next();

        var startInfo = new ProcessStartInfo(Path.IsPathRooted(executable) ? executable : Path.Combine(package.Unpacked, executable))
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in description["arguments"]?.AsArray() ?? [])
        {
            startInfo.ArgumentList.Add((string)argument!);
        }

        // Only the host's variable decides where the app listens.
        foreach (var inherited in new[] { "ASPNETCORE_URLS", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_HTTPS_PORTS", "DOTNET_URLS", "URLS" })
        {
            startInfo.Environment.Remove(inherited);
        }

        foreach (var key in startInfo.Environment.Keys.Where(k => k.StartsWith("CloudWg", StringComparison.OrdinalIgnoreCase) || k.StartsWith("AzureWebJobsStorage", StringComparison.Ordinal)).ToList())
        {
            startInfo.Environment.Remove(key);
        }

        startInfo.Environment["FUNCTIONS_CUSTOMHANDLER_PORT"] = port.ToString(CultureInfo.InvariantCulture);
        // Storage as the Functions host passes it. `make test` runs a private Azurite (healthy: 200);
        // without it, a connection string to a closed loopback port (unhealthy: 503). Never the
        // identity-based form: that would reach for the cloud's token endpoint.
        startInfo.Environment["AzureWebJobsStorage"] = Environment.GetEnvironmentVariable("CLOUDWG_TEST_STORAGE") is { Length: > 0 } azurite
            ? azurite
            : UnreachableStorage();
        // A private prefix keeps the tables and queues the app creates apart from other suites'.
        startInfo.Environment["CloudWg__Storage__Prefix"] = "infra" + Guid.NewGuid().ToString("N")[..8];

        using var process = Process.Start(startInfo)!;
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { output.Enqueue(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { output.Enqueue(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            var response = await PollHealthAsync(http, port, process, output);

            Assert.True(
                response.StatusCode is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable,
                $"/api/health answered {(int)response.StatusCode}");
            var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            TestContext.Current.TestOutputHelper?.WriteLine($"/api/health: {(int)response.StatusCode} {body}");
            Assert.Contains("json", response.Content.Headers.ContentType?.MediaType ?? "", StringComparison.Ordinal);
            using (JsonDocument.Parse(body))
            {
                // parses: the answer is the app's JSON, not some other listener's page
            }

            // start.sh execs the app, so this pid is the app itself.
            Assert.Equal(new HashSet<int> { port }, ListeningSockets.PortsOf(process.Id));

            // What an install command fetches: the script, and the agent tarball the package carries.
            var script = await http.GetAsync($"http://127.0.0.1:{port}/api/agent/install.sh", TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, script.StatusCode);
            var tarball = await http.GetAsync($"http://127.0.0.1:{port}/api/agent/downloads/{AgentTarball}", TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, tarball.StatusCode);
            Assert.Equal(
                await File.ReadAllBytesAsync(Path.Combine(package.Unpacked, "agent", AgentTarball), TestContext.Current.CancellationToken),
                await tarball.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));

            // The admin SPA on the same origin, also for a client-side route reloaded, with its security headers.
            foreach (var page in new[] { "/", "/nodes/n1" })
            {
                var html = await http.GetAsync($"http://127.0.0.1:{port}{page}", TestContext.Current.CancellationToken);
                Assert.Equal(HttpStatusCode.OK, html.StatusCode);
                Assert.Equal("text/html", html.Content.Headers.ContentType?.MediaType);
                Assert.Contains("frame-ancestors 'none'", html.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
                Assert.Equal(
                    await File.ReadAllTextAsync(Path.Combine(package.Unpacked, "wwwroot", "index.html"), TestContext.Current.CancellationToken),
                    await html.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
            }
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task StartScriptRefusesToStartWithoutThePort()
    {
        var result = await ProcessRunner.RunAsync(
            Path.Combine(package.Unpacked, "start.sh"),
            [],
            TimeSpan.FromMinutes(2),
            TestContext.Current.CancellationToken,
            package.Unpacked,
            new Dictionary<string, string?> { ["FUNCTIONS_CUSTOMHANDLER_PORT"] = null });

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("FUNCTIONS_CUSTOMHANDLER_PORT", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartScriptIsShellcheckClean()
    {
        var result = await Shellcheck.RunAsync([Path.Combine(package.Unpacked, "start.sh")]);

        Assert.True(result.ExitCode == 0, result.Describe());
    }

    private static string UnreachableStorage()
    {
        var closed = $"http://127.0.0.1:{FreePort.Next()}/devstoreaccount1";
        // Azurite's published development key: not a secret.
        return "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
            + "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;"
            + $"BlobEndpoint={closed};QueueEndpoint={closed};TableEndpoint={closed};";
    }

    private static async Task<HttpResponseMessage> PollHealthAsync(
        HttpClient http, int port, Process process, System.Collections.Concurrent.ConcurrentQueue<string> output)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (true)
        {
            Assert.False(process.HasExited, $"the app exited with {(process.HasExited ? process.ExitCode : 0)} before answering:\n{string.Join('\n', output)}");
            try
            {
                return await http.GetAsync($"http://127.0.0.1:{port}/api/health", TestContext.Current.CancellationToken);
            }
            catch (HttpRequestException e) when (e.InnerException is SocketException && DateTime.UtcNow < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), TestContext.Current.CancellationToken);
            }
        }
    }
}

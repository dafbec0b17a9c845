using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Storage.Queues;

namespace CloudWg.SystemTests.Harness;

/// <summary>
/// The control plane as a user gets it: the release package exactly as <c>make package</c> writes it, unzipped into an
/// empty folder and started the way the Functions host starts a custom handler (host.json's executable, the port in
/// <c>FUNCTIONS_CUSTOMHANDLER_PORT</c>, the app settings of infra/azuredeploy.json as environment). It also plays the
/// host's other part: it invokes the timer functions as the host posts them and runs the reports queue trigger
/// (take a message, <c>POST /IngestReports</c>, delete it on success).
/// </summary>
public sealed class ShippedControlPlane : IAsyncDisposable
{
    private readonly CancellationTokenSource stop = new();
    private ChildProcess? process;
    private Task? queueTrigger;
    private IReadOnlyList<string> filesAtStart = [];

    private ShippedControlPlane(string directory, string packageDirectory)
    {
        Directory = directory;
        PackageDirectory = packageDirectory;
        Port = FreePort();
    }

    /// <summary>Where the package was unzipped (the function app's read-only content in Azure).</summary>
    public string Directory { get; }

    /// <summary>Where <c>make package</c> wrote cloudwg-functions.zip and the agent tarball.</summary>
    public string PackageDirectory { get; }

    /// <summary><c>FUNCTIONS_CUSTOMHANDLER_PORT</c>: the loopback port the host talks to the app on.</summary>
    public int Port { get; }

    public Uri HandlerUrl => new($"http://127.0.0.1:{Port}/");

    /// <summary>Report messages the emulated queue trigger handed over, and how many the app took.</summary>
    public int ReportsDelivered { get; private set; }

    public string Log() => process?.Log() ?? "--- shipped control plane: not running ---";

    /// <summary>
    /// The package: <c>CLOUDWG_PACKAGE_DIR</c> when <c>make test</c> built it already, else a fresh
    /// <c>infra/package.sh</c> run into <paramref name="scratch"/>; unzipped into an empty folder there.
    /// </summary>
    public static async Task<ShippedControlPlane> UnpackAsync(string scratch)
    {
        var built = Environment.GetEnvironmentVariable("CLOUDWG_PACKAGE_DIR");
        if (string.IsNullOrEmpty(built))
        {
            built = Path.Combine(scratch, "package");
            var (code, output, error) = await Shell.RunAsync("bash", [Path.Combine(BuildOutput.RepositoryRoot, "infra", "package.sh"), "--out", built], null, TimeSpan.FromMinutes(20));
            if (code != 0)
            {
                throw new InvalidOperationException($"infra/package.sh failed with {code}:\n{output}\n{error}");
            }
        }

        var zip = Path.Combine(built, "cloudwg-functions.zip");
        var directory = Path.Combine(scratch, "wwwroot-package");
        ZipFile.ExtractToDirectory(zip, directory);
        return new ShippedControlPlane(directory, built);
    }

    /// <summary>The NativeAOT agent from the package's tarball, unpacked into <paramref name="into"/>; returns the binary.</summary>
    public async Task<string> ExtractAgentAsync(string into)
    {
        System.IO.Directory.CreateDirectory(into);
        await Shell.CheckedAsync("tar", "-xzf", Path.Combine(Directory, "agent", "cloudwg-agent-linux-x64.tar.gz"), "-C", into);
        return Path.Combine(into, "cloudwg-agent");
    }

    /// <summary>Starts start.sh with <paramref name="settings"/> as the only CloudWg and storage settings.</summary>
    public async Task StartAsync(IReadOnlyDictionary<string, string> settings, string reportsQueueConnectionString)
    {
        var host = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(Directory, "host.json")))!;
        var description = host["customHandler"]!["description"]!;
        var executable = Path.Combine(Directory, (string)description["defaultExecutablePath"]!);
        var environment = new Dictionary<string, string>(settings)
        {
            ["FUNCTIONS_CUSTOMHANDLER_PORT"] = Port.ToString(CultureInfo.InvariantCulture),
        };
        filesAtStart = Files();

        // The host's working directory is not the package's: the app must find its SPA and agent by itself.
        process = ChildProcess.Start("shipped control plane", executable, [], environment, Path.GetTempPath(), clearEnvironment: ["ASPNETCORE_", "DOTNET_URLS", "CloudWg", "AzureWebJobs", "CLOUDWG_"]);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        await Poll.UntilAsync("the shipped package answering /api/health on FUNCTIONS_CUSTOMHANDLER_PORT", async () =>
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException("The shipped control plane exited:\n" + process.Log());
            }

            using var response = await http.GetAsync(new Uri(HandlerUrl, "api/health"));
            return response.StatusCode == HttpStatusCode.OK;
        }, TimeSpan.FromMinutes(3), Log);
        queueTrigger = Task.Run(() => RunReportsTriggerAsync(new QueueClient(reportsQueueConnectionString, "reports")));
    }

    /// <summary>Files added to or removed from the package folder since the start (a read-only mount in Azure).</summary>
    public IReadOnlyList<string> ChangedFiles() => Files().Except(filesAtStart).Concat(filesAtStart.Except(Files())).ToList();

    /// <summary>A timer function as the host invokes it: <c>POST /Name</c> with the custom-handler payload.</summary>
    public async Task<JsonObject> InvokeTimerAsync(string name)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        var payload = new JsonObject
        {
            ["Data"] = new JsonObject { ["timer"] = new JsonObject { ["Schedule"] = new JsonObject { ["AdjustForDST"] = true }, ["IsPastDue"] = false } },
            ["Metadata"] = new JsonObject { ["sys"] = new JsonObject { ["MethodName"] = name, ["UtcNow"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture) } },
        };
        using var response = await http.PostAsync(new Uri(HandlerUrl, name), new StringContent(payload.ToJsonString(), Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"POST /{name} answered {(int)response.StatusCode}: {text}");
        }

        return JsonNode.Parse(text)!.AsObject();
    }

    private async Task RunReportsTriggerAsync(QueueClient queue)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await queue.CreateIfNotExistsAsync(cancellationToken: stop.Token);
                foreach (var message in (await queue.ReceiveMessagesAsync(16, TimeSpan.FromSeconds(30), stop.Token)).Value)
                {
                    // The host decodes the base64 message and passes the string binding JSON-serialised in Data.report.
                    var text = Encoding.UTF8.GetString(Convert.FromBase64String(message.MessageText));
                    var payload = new JsonObject
                    {
                        ["Data"] = new JsonObject { ["report"] = JsonSerializer.Serialize(text) },
                        ["Metadata"] = new JsonObject { ["DequeueCount"] = message.DequeueCount, ["Id"] = message.MessageId },
                    };
                    using var response = await http.PostAsync(new Uri(HandlerUrl, "IngestReports"), new StringContent(payload.ToJsonString(), Encoding.UTF8, "application/json"), stop.Token);
                    if (response.IsSuccessStatusCode)
                    {
                        ReportsDelivered++;
                        await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, stop.Token);
                    }
                }

                await Task.Delay(TimeSpan.FromSeconds(1), stop.Token);
            }
            catch (Exception) when (!stop.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private List<string> Files() =>
        System.IO.Directory.EnumerateFileSystemEntries(Directory, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(Directory, f)).Order(StringComparer.Ordinal).ToList();

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        if (queueTrigger is not null)
        {
            await queueTrigger.ContinueWith(_ => { }, TaskScheduler.Default);
        }

        if (process is not null)
        {
            await process.DisposeAsync();
        }

        stop.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

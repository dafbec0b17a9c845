using System.Net;
using System.Net.Sockets;

namespace CloudWg.SystemTests.Harness;

/// <summary>
/// The control plane as a real process (<c>dotnet CloudWg.Functions.dll</c>, in-process timers) on a fixed loopback
/// port, with its own state directory (signing key, local CA, setup token) that survives a restart.
/// </summary>
public sealed class ControlPlane : IAsyncDisposable
{
    private readonly PersistentAzurite storage;
    private readonly string stateDirectory;
    private ChildProcess? process;

    public ControlPlane(PersistentAzurite storage, string stateDirectory)
    {
        this.storage = storage;
        this.stateDirectory = stateDirectory;
        Port = FreePort();
    }

    public int Port { get; }

    public Uri BaseUrl => new($"http://127.0.0.1:{Port}/");

    public string SetupTokenFile => Path.Combine(stateDirectory, "setup-token");

    public string Log() => process?.Log() ?? "--- control plane: not running ---";

    public async Task StartAsync()
    {
        process = ChildProcess.Start("control plane", BuildOutput.DotNet, [BuildOutput.ControlPlaneDll], new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = BaseUrl.AbsoluteUri.TrimEnd('/'),
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["AzureWebJobsStorage"] = storage.ConnectionString,
            ["CloudWg__StateDirectory"] = stateDirectory,
            ["CloudWg__SpaDirectory"] = Path.Combine(stateDirectory, "no-spa"),
            ["Logging__LogLevel__Default"] = "Information",
        }, BuildOutput.ControlPlaneDirectory);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        await Poll.UntilAsync("the control plane answering /api/health", async () =>
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException("The control plane exited:\n" + process.Log());
            }

            using var response = await http.GetAsync(new Uri(BaseUrl, "api/health"));
            return response.StatusCode == HttpStatusCode.OK;
        }, TimeSpan.FromMinutes(3), Log);
    }

    public async Task StopAsync()
    {
        if (process is not null)
        {
            await process.DisposeAsync();
            process = null;
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

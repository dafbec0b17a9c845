using System.Net;
using System.Net.Sockets;

namespace CloudWg.SystemTests.Harness;

/// <summary>
/// The control plane as a real process (<c>dotnet CloudWg.Functions.dll</c>, in-process timers) on fixed loopback
/// ports, plain HTTP for the admin API and HTTPS (fleet-CA server certificate) for agents' mutual TLS, with its own
/// state directory (signing key, local CA, setup token) that survives a restart.
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
        HttpsPort = FreePort();
    }

    public int Port { get; }

    public int HttpsPort { get; }

    public Uri BaseUrl => new($"http://127.0.0.1:{Port}/");

    /// <summary>The HTTPS listener: agents enrolled here (with <c>--root-sha256</c>) renew and pull over mutual TLS.</summary>
    public Uri HttpsUrl => new($"https://127.0.0.1:{HttpsPort}/");

    /// <summary>Extra app settings (environment variables, e.g. <c>CloudWg__Pki__NodeCertificateLifetime</c>) for the next start.</summary>
    public Dictionary<string, string> Settings { get; } = [];

    public string SetupTokenFile => Path.Combine(stateDirectory, "setup-token");

    public string Log() => process?.Log() ?? "--- control plane: not running ---";

    public async Task StartAsync()
    {
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = BaseUrl.AbsoluteUri.TrimEnd('/') + ";" + HttpsUrl.AbsoluteUri.TrimEnd('/'),
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["AzureWebJobsStorage"] = storage.ConnectionString,
            ["CloudWg__StateDirectory"] = stateDirectory,
            ["CloudWg__SpaDirectory"] = Path.Combine(stateDirectory, "no-spa"),
            ["Logging__LogLevel__Default"] = "Information",
        };
        foreach (var (name, value) in Settings)
        {
            environment[name] = value;
        }

        process = ChildProcess.Start("control plane", BuildOutput.DotNet, [BuildOutput.ControlPlaneDll], environment, BuildOutput.ControlPlaneDirectory);
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

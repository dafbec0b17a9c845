using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using CloudWg.EdgeAgent.Caddy;

namespace CloudWg.EdgeAgent.Tests.Caddy;

/// <summary>
/// A private Caddy (Debian's package, which has no layer4 app) started with its admin API on a unix socket
/// in a fresh temp directory; never the system service. Config autosave is off and XDG dirs point into the
/// temp directory, so nothing outside it is written.
/// </summary>
internal sealed class CaddyProcess : IAsyncDisposable
{
    private readonly Process _process;

    private CaddyProcess(string directory, Process process, CaddyAdminClient client)
    {
        Directory = directory;
        _process = process;
        Client = client;
    }

    public string Directory { get; }

    public string AdminAddress => $"unix/{Path.Combine(Directory, "admin.sock")}";

    public CaddyAdminClient Client { get; }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Starts Caddy with <paramref name="apps"/> and waits until its admin API answers.</summary>
    public static async Task<CaddyProcess> StartAsync(JsonObject apps)
    {
        var directory = Path.Combine("/tmp", $"cwg-{Guid.NewGuid().ToString("N")[..12]}");
        System.IO.Directory.CreateDirectory(directory);
        var socket = Path.Combine(directory, "admin.sock");
        var config = new JsonObject
        {
            ["admin"] = new JsonObject
            {
                ["listen"] = $"unix/{socket}",
                ["config"] = new JsonObject { ["persist"] = false },
            },
            ["apps"] = apps,
        };
        var configPath = Path.Combine(directory, "caddy.json");
        await File.WriteAllTextAsync(configPath, config.ToJsonString());

        var info = new ProcessStartInfo("caddy")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("run");
        info.ArgumentList.Add("--config");
        info.ArgumentList.Add(configPath);
        info.Environment["XDG_CONFIG_HOME"] = Path.Combine(directory, "config");
        info.Environment["XDG_DATA_HOME"] = Path.Combine(directory, "data");
        info.Environment["HOME"] = directory;
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start caddy");
        var log = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var client = new CaddyAdminClient($"unix/{socket}");
        var caddy = new CaddyProcess(directory, process, client);
        try
        {
            // Poll until the admin socket exists and answers; Caddy may be slow to start on a loaded machine.
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
            while (true)
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"caddy exited with {process.ExitCode}: {log}");
                }

                try
                {
                    await client.GetConfigAsync();
                    return caddy;
                }
                catch (CaddyAdminException e) when (e.StatusCode is null && DateTime.UtcNow < deadline)
                {
                    await Task.Delay(100);
                }
            }
        }
        catch
        {
            await caddy.DisposeAsync();
            throw;
        }
    }

    /// <summary>GET on a server Caddy serves over plain HTTP.</summary>
    public static async Task<string> HttpGetAsync(int port)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        return await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/"));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a socket file being removed by Caddy at the same moment is fine.
        }
    }
}

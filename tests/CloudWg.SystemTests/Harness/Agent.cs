using System.Text.Json.Nodes;

namespace CloudWg.SystemTests.Harness;

/// <summary>
/// cloudwg-agent as a real process in the root network namespace (it reaches Azurite and the control plane on
/// loopback) managing its WireGuard interface inside the node namespace (<c>WireGuard:NetworkNamespace</c>).
/// </summary>
public sealed class Agent : IAsyncDisposable
{
    private readonly string stateDirectory;
    private readonly string configFile;
    private ChildProcess? process;

    public Agent(string root, NodeNetwork network)
    {
        stateDirectory = Path.Combine(root, "agent-state");
        configFile = Path.Combine(root, "agent.json");
        Config = new JsonObject
        {
            ["WireGuard"] = new JsonObject
            {
                ["NetworkNamespace"] = network.NodeNamespace,
                ["UapiSocketDirectory"] = network.NodeSockets,
                ["UserspaceCommand"] = network.UserspaceScript,
            },
            // Default idle polling (2 s), but retry storage quickly after the outage the journey simulates.
            ["Inbox"] = new JsonObject { ["ErrorPollInterval"] = "00:00:02" },
            ["Logging"] = new JsonObject { ["LogLevel"] = new JsonObject { ["Default"] = "Information" } },
        };
    }

    /// <summary>The agent's configuration file (<c>--config</c>), written before each command; add sections before enrolling.</summary>
    public JsonObject Config { get; }

    /// <summary>
    /// The agent as shipped (the NativeAOT binary from a package's tarball) instead of this build's
    /// <c>cloudwg-agent.dll</c>.
    /// </summary>
    public string? Executable { get; set; }

    /// <summary>Environment for every agent command (e.g. <c>SSL_CERT_FILE</c>: the system trust store of this "host").</summary>
    public Dictionary<string, string> Environment { get; } = [];

    public string Log() => process?.Log() ?? "--- agent: not running ---";

    /// <param name="rootSha256">For an HTTPS control URL served with the fleet certificate: the root's fingerprint.</param>
    public async Task EnrollAsync(Uri controlUrl, string token, string? rootSha256 = null)
    {
        WriteConfig();
        string[] pin = rootSha256 is null ? [] : ["--root-sha256", rootSha256];
        var (code, output, error) = await Shell.RunAsync(Program, [.. Prefix, "enroll",
            "--control-url", controlUrl.AbsoluteUri.TrimEnd('/'), "--token", token, "--state-dir", stateDirectory, "--config", configFile, .. pin], Environment);
        if (code != 0)
        {
            throw new InvalidOperationException($"cloudwg-agent enroll failed with {code}:\n{output}\n{error}");
        }
    }

    public void Start()
    {
        if (process is { HasExited: false })
        {
            throw new InvalidOperationException("The agent is already running.");
        }

        WriteConfig();
        process = ChildProcess.Start("agent", Program, [.. Prefix, "run", "--state-dir", stateDirectory, "--config", configFile], Environment);
    }

    public async Task StopAsync()
    {
        if (process is not null)
        {
            await process.DisposeAsync();
        }
    }

    /// <summary><c>cloudwg-agent status --json</c>.</summary>
    public async Task<string> StatusAsync()
    {
        WriteConfig();
        return (await Shell.RunAsync(Program, [.. Prefix, "status", "--json", "--state-dir", stateDirectory, "--config", configFile], Environment)).Output;
    }

    /// <summary><c>cloudwg-agent uninstall</c>: its output (what it put back).</summary>
    public async Task<string> UninstallAsync()
    {
        WriteConfig();
        var (code, output, error) = await Shell.RunAsync(Program, [.. Prefix, "uninstall", "--state-dir", stateDirectory, "--config", configFile], Environment);
        return code == 0 ? output : throw new InvalidOperationException($"cloudwg-agent uninstall failed with {code}:\n{output}\n{error}");
    }

    /// <summary><c>cloudwg-agent status</c> as an operator reads it.</summary>
    public async Task<string> StatusTextAsync()
    {
        WriteConfig();
        return (await Shell.RunAsync(Program, [.. Prefix, "status", "--state-dir", stateDirectory, "--config", configFile], Environment)).Output;
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private string Program => Executable ?? BuildOutput.DotNet;

    private string[] Prefix => Executable is null ? [BuildOutput.AgentDll] : [];

    private void WriteConfig() => File.WriteAllText(configFile, Config.ToJsonString());
}

using System.Text.Json;

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
        File.WriteAllText(configFile, JsonSerializer.Serialize(new
        {
            WireGuard = new
            {
                NetworkNamespace = network.NodeNamespace,
                UapiSocketDirectory = network.NodeSockets,
                UserspaceCommand = network.UserspaceScript,
            },
            // Default idle polling (2 s), but retry storage quickly after the outage the journey simulates.
            Inbox = new { ErrorPollInterval = "00:00:02" },
            Logging = new { LogLevel = new { Default = "Information" } },
        }));
    }

    public string Log() => process?.Log() ?? "--- agent: not running ---";

    public async Task EnrollAsync(Uri controlUrl, string token)
    {
        var (code, output, error) = await Shell.RunAsync(BuildOutput.DotNet, BuildOutput.AgentDll, "enroll",
            "--control-url", controlUrl.AbsoluteUri.TrimEnd('/'), "--token", token, "--state-dir", stateDirectory, "--config", configFile);
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

        process = ChildProcess.Start("agent", BuildOutput.DotNet, [BuildOutput.AgentDll, "run", "--state-dir", stateDirectory, "--config", configFile]);
    }

    public async Task StopAsync()
    {
        if (process is not null)
        {
            await process.DisposeAsync();
        }
    }

    /// <summary><c>cloudwg-agent status --json</c>.</summary>
    public async Task<string> StatusAsync() =>
        (await Shell.RunAsync(BuildOutput.DotNet, BuildOutput.AgentDll, "status", "--json", "--state-dir", stateDirectory, "--config", configFile)).Output;

    public async ValueTask DisposeAsync() => await StopAsync();
}

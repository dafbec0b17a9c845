namespace CloudWg.SystemTests.Harness;

/// <summary>
/// Everything an end-to-end test runs, under one temp directory: a persistent Azurite, the control plane process,
/// the node/client namespaces and the agent. Disposal runs in reverse order of dependence, every step even if an
/// earlier one failed.
/// </summary>
public sealed class SystemStack : IAsyncDisposable
{
    private readonly string root;

    private SystemStack(string root, NodeNetwork network)
    {
        this.root = root;
        Storage = new PersistentAzurite(Path.Combine(root, "azurite"));
        ControlPlane = new ControlPlane(Storage, Path.Combine(root, "control-plane"));
        Network = network;
        Agent = new Agent(root, network);
    }

    public PersistentAzurite Storage { get; }

    public ControlPlane ControlPlane { get; }

    public NodeNetwork Network { get; }

    public Agent Agent { get; }

    /// <summary>Starts storage and the control plane and returns the one-time setup token it wrote.</summary>
    public async Task<string> StartAndReadSetupTokenAsync()
    {
        await Storage.StartAsync();
        await ControlPlane.StartAsync();
        await Poll.UntilAsync("the setup token file", () => Task.FromResult(File.Exists(ControlPlane.SetupTokenFile)), diagnostics: ControlPlane.Log);
        return (await File.ReadAllTextAsync(ControlPlane.SetupTokenFile, TestContext.Current.CancellationToken)).Trim();
    }

    public static async Task<SystemStack> CreateAsync(string prefix)
    {
        var root = Directory.CreateTempSubdirectory(prefix).FullName;
        return new SystemStack(root, await NodeNetwork.CreateAsync(root));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var step in new Func<ValueTask>[] { Agent.DisposeAsync, Network.DisposeAsync, ControlPlane.DisposeAsync, Storage.DisposeAsync })
        {
            try
            {
                await step();
            }
            catch (Exception e) when (e is InvalidOperationException or IOException or OperationCanceledException)
            {
                TestContext.Current.SendDiagnosticMessage("clean-up: " + e.Message);
            }
        }

        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (IOException)
        {
            // A socket left by a killed daemon; the temp directory is harmless.
        }
    }
}

using System.CommandLine;
using CloudWg.EdgeAgent.Enrollment;
using CloudWg.EdgeAgent.Hosting;
using CloudWg.EdgeAgent.Inbox;
using CloudWg.EdgeAgent.Infrastructure;
using CloudWg.EdgeAgent.Reconcile;
using CloudWg.EdgeAgent.State;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CloudWg.EdgeAgent.Cli;

/// <summary>The command line: <c>enroll</c>, <c>run</c>, <c>status</c>, <c>apply</c>, <c>uninstall</c>, <c>--version</c>.</summary>
public static class AgentCli
{
    public const int Ok = 0;
    public const int Failed = 1;

    /// <summary>Parses and runs <paramref name="args"/>, writing help, version and results to the given writers.</summary>
    public static Task<int> InvokeAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default) =>
        Create(output, error).Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, cancellationToken);

    public static RootCommand Create(TextWriter output, TextWriter error)
    {
        var stateDir = new Option<string>("--state-dir")
        {
            Description = "Directory for keys, certificate and the SQLite cache.",
            Recursive = true,
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("CLOUDWG_STATE_DIR") is { Length: > 0 } dir ? dir : StateDirectory.Default,
        };
        var config = new Option<string>("--config")
        {
            Description = "Optional JSON configuration file.",
            Recursive = true,
            DefaultValueFactory = _ => AgentHostSettings.DefaultConfigFile,
        };
        var root = new RootCommand("cloudwg-agent: applies this node's signed WireGuard, firewall and L4 configuration.");
        root.Options.Add(stateDir);
        root.Options.Add(config);

        var controlUrl = new Option<string>("--control-url") { Description = "The control plane, e.g. https://cloudwg.example.com", Required = true };
        var token = new Option<string>("--token") { Description = "The single-use enrollment token.", Required = true };
        var rootSha256 = new Option<string?>("--root-sha256")
        {
            Description = "SHA-256 fingerprint of the fleet's root CA (from the enrollment page), for a control plane serving HTTPS with a fleet-CA certificate.",
        };
        var enroll = new Command("enroll", "Generate this node's keys and enroll it with a one-time token.") { controlUrl, token, rootSha256 };
        enroll.SetAction((parse, ct) => Guard(error, () =>
            EnrollAsync(Settings(parse, stateDir, config), parse.GetValue(controlUrl)!, parse.GetValue(token)!, parse.GetValue(rootSha256), output, ct)));
        root.Subcommands.Add(enroll);

        var run = new Command("run", "Run the agent (systemd service): inbox, reconcile, reports, renewal.");
        run.SetAction((parse, ct) => Guard(error, () => RunAsync(Settings(parse, stateDir, config), ct)));
        root.Subcommands.Add(run);

        var json = new Option<bool>("--json") { Description = "Machine-readable output." };
        var status = new Command("status", "Show enrollment, versions, recent reconciles and rejection counters.") { json };
        status.SetAction((parse, ct) => Guard(error, () => Task.FromResult(Status(Settings(parse, stateDir, config), parse.GetValue(json), output))));
        root.Subcommands.Add(status);

        var file = new Option<FileInfo>("--file") { Description = "A signed desired state (compact JWS) to verify and apply.", Required = true };
        var apply = new Command("apply", "Verify and apply a signed desired state from a file (offline / air-gapped).") { file };
        apply.SetAction((parse, ct) => Guard(error, () => ApplyAsync(Settings(parse, stateDir, config), parse.GetValue(file)!, output, ct)));
        root.Subcommands.Add(apply);

        var uninstall = new Command("uninstall", "Take this node off CloudWg's data plane: put IP forwarding back as the agent found it and remove its nftables table (the WireGuard interface and the state directory stay).");
        uninstall.SetAction((parse, ct) => Guard(error, () => UninstallAsync(Settings(parse, stateDir, config), output)));
        root.Subcommands.Add(uninstall);
        return root;
    }

    private static AgentHostSettings Settings(ParseResult parse, Option<string> stateDir, Option<string> config) =>
        new() { StateDirectory = parse.GetValue(stateDir)!, ConfigFile = parse.GetValue(config) };

    private static async Task<int> Guard(TextWriter error, Func<Task<int>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (Exception e) when (e is ControlPlaneException or UnauthorizedAccessException or IOException or InvalidOperationException)
        {
            await error.WriteLineAsync("error: " + e.Message).ConfigureAwait(false);
            return Failed;
        }
    }

    private static async Task<int> EnrollAsync(AgentHostSettings settings, string controlUrl, string token, string? rootSha256, TextWriter output, CancellationToken ct)
    {
        if (!Uri.TryCreate(controlUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
        {
            throw new ControlPlaneException($"--control-url must be an absolute http(s) URL, not '{controlUrl}'.");
        }

        // With a pin, the control plane's root is fetched and checked before anything touches the state directory, so
        // a wrong fingerprint leaves no trace; without one, the system's trust store judges (Azure's public certificate).
        var pin = rootSha256 is null ? null : RootPin.Parse(rootSha256);
        using var root = pin is null ? null : await pin.FetchRootAsync(uri, ct).ConfigureAwait(false);
        using var http = root is null ? AgentHttpClients.Create(null) : AgentHttpClients.CreatePinned(root);
        using var provider = AgentHost.BuildCore(settings);
        var enroller = new Enroller(
            provider.GetRequiredService<AgentStateStore>(), provider.GetRequiredService<NodeIdentityStore>(), TimeProvider.System, output);
        await enroller.EnrollAsync(controlUrl, token, http, ct, pin).ConfigureAwait(false);
        return Ok;
    }

    private static async Task<int> RunAsync(AgentHostSettings settings, CancellationToken ct)
    {
        using var host = AgentHost.Build(settings);
        await host.RunAsync(ct).ConfigureAwait(false);
        return Ok;
    }

    private static int Status(AgentHostSettings settings, bool json, TextWriter output)
    {
        using var provider = AgentHost.BuildCore(settings);
        var status = StatusCommand.Collect(settings.StateDirectory, provider.GetRequiredService<AgentStateStore>(), provider.GetRequiredService<NodeIdentityStore>(),
            provider.GetRequiredService<IOptions<RenewalOptions>>().Value.RenewBefore,
            provider.GetRequiredService<IOptions<DataPlaneOptions>>().Value.EffectiveL4Proxy);
        output.Write(json ? StatusCommand.ToJson(status) + Environment.NewLine : StatusCommand.ToText(status));
        return Ok;
    }

    private static async Task<int> UninstallAsync(AgentHostSettings settings, TextWriter output)
    {
        using var provider = AgentHost.BuildCore(settings);
        foreach (var change in provider.GetRequiredService<Routing.ForwardingDriver>().Restore())
        {
            await output.WriteLineAsync(change).ConfigureAwait(false);
        }

        foreach (var firewall in provider.GetServices<IDataPlaneDriver>().OfType<Nftables.NftablesFirewallDriver>())
        {
            firewall.DeleteTable();
            await output.WriteLineAsync($"removed table {Nftables.NftablesNames.Family} {Nftables.NftablesNames.Table}").ConfigureAwait(false);
        }

        return Ok;
    }

    private static async Task<int> ApplyAsync(AgentHostSettings settings, FileInfo file, TextWriter output, CancellationToken ct)
    {
        if (!file.Exists)
        {
            throw new IOException($"{file.FullName} does not exist.");
        }

        using var provider = AgentHost.BuildCore(settings);
        var intake = provider.GetRequiredService<DesiredStateIntake>();
        var jws = (await File.ReadAllTextAsync(file.FullName, ct).ConfigureAwait(false)).Trim();
        var result = intake.Offer(jws, "file", null, provider.GetRequiredService<IOptions<InboxOptions>>().Value.MaxBlobBytes);
        switch (result.Outcome)
        {
            case IntakeOutcome.Rejected:
                await output.WriteLineAsync($"Rejected ({result.Reason}): {result.Detail}").ConfigureAwait(false);
                return Failed;
            case IntakeOutcome.Duplicate:
                await output.WriteLineAsync($"Version {result.Document!.Version} is already the accepted one; reconciling it again.").ConfigureAwait(false);
                break;
            default:
                await output.WriteLineAsync($"Accepted version {result.Document!.Version}.").ConfigureAwait(false);
                break;
        }

        var pass = await provider.GetRequiredService<Reconciler>().ReconcileAsync(result.Document, "file", ct).ConfigureAwait(false);
        await output.WriteLineAsync(pass is null ? "Nothing to apply." : $"Reconcile {pass.Outcome}: {pass.Detail}").ConfigureAwait(false);
        return pass is { Succeeded: false } ? Failed : Ok;
    }
}

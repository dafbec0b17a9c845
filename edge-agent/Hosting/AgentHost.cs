using CloudWg.EdgeAgent.Caddy;
using CloudWg.EdgeAgent.Enrollment;
using CloudWg.EdgeAgent.HAProxy;
using CloudWg.EdgeAgent.Inbox;
using CloudWg.EdgeAgent.Infrastructure;
using CloudWg.EdgeAgent.Nftables;
using CloudWg.EdgeAgent.Reconcile;
using CloudWg.EdgeAgent.Routing;
using CloudWg.EdgeAgent.Reports;
using CloudWg.EdgeAgent.State;
using CloudWg.EdgeAgent.WireGuard;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudWg.EdgeAgent.Hosting;

/// <summary>
/// Builds the agent: <see cref="AddAgentCore"/> (state, identity, intake, reconciler, drivers) is shared by
/// every command; <see cref="Build"/> adds the background loops for <c>run</c>. Tests build it in-process
/// with a temporary state directory and overrides.
/// </summary>
public static class AgentHost
{
    /// <summary>The host for <c>cloudwg-agent run</c>.</summary>
    public static IHost Build(AgentHostSettings settings, Action<IServiceCollection>? configure = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        AddConfiguration(builder.Configuration, settings);
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        });
        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
        builder.Services.AddSystemd();
        AddAgentCore(builder.Services, builder.Configuration, settings.StateDirectory);
        builder.Services.AddHostedService<ReconcileLoop>();
        builder.Services.AddHostedService<InboxService>();
        builder.Services.AddHostedService<PullService>();
        builder.Services.AddHostedService<RenewalService>();
        builder.Services.AddHostedService<ReportService>();
        configure?.Invoke(builder.Services);
        return builder.Build();
    }

    /// <summary>Just the core services, for one-shot commands (<c>status</c>, <c>apply</c>).</summary>
    public static ServiceProvider BuildCore(AgentHostSettings settings, Action<IServiceCollection>? configure = null)
    {
        var configuration = new ConfigurationManager();
        AddConfiguration(configuration, settings);
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(logging => logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
        AddAgentCore(services, configuration, settings.StateDirectory);
        configure?.Invoke(services);
        return services.BuildServiceProvider();
    }

    public static void AddAgentCore(IServiceCollection services, IConfiguration configuration, string stateDirectory)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddOptions<WireGuardOptions>().Bind(configuration.GetSection(WireGuardOptions.Section))
            .Validate(o => o.StartTimeout > TimeSpan.Zero, "WireGuard:StartTimeout must be positive.").ValidateOnStart();
        services.AddOptions<InboxOptions>().Bind(configuration.GetSection(InboxOptions.Section))
            .Validate(o => o.IdlePollInterval > TimeSpan.Zero && o.FastPollInterval > TimeSpan.Zero && o.MaxDequeueCount > 0 && o.MaxMessageBytes > 0 && o.MaxBlobBytes > 0,
                "Inbox intervals and limits must be positive.").ValidateOnStart();
        services.AddOptions<ReconcilerOptions>().Bind(configuration.GetSection(ReconcilerOptions.Section))
            .Validate(o => o.Interval > TimeSpan.Zero && o.RetryDelay > TimeSpan.Zero, "Reconciler intervals must be positive.").ValidateOnStart();
        services.AddOptions<ReportOptions>().Bind(configuration.GetSection(ReportOptions.Section))
            .Validate(o => o.Interval > TimeSpan.Zero, "Reports:Interval must be positive.").ValidateOnStart();
        services.AddOptions<RenewalOptions>().Bind(configuration.GetSection(RenewalOptions.Section))
            .Validate(o => o.RetryDelay > TimeSpan.Zero && o.CheckInterval > TimeSpan.Zero && (o.RenewBefore is null || o.RenewBefore > TimeSpan.Zero),
                "Renewal intervals (and Renewal:RenewBefore, when set) must be positive.").ValidateOnStart();

        services.AddSingleton(_ => AgentStateStore.Open(stateDirectory));
        services.AddSingleton(sp => new NodeIdentityStore(stateDirectory, sp.GetRequiredService<AgentStateStore>()));
        services.AddSingleton<IWireGuardKeyProvider>(sp => sp.GetRequiredService<NodeIdentityStore>());
        services.AddSingleton<AgentHttpClients>();
        services.AddSingleton<ReconcileSignal>();
        services.AddSingleton<DesiredStateIntake>();
        services.AddSingleton(sp => new InboxMessageHandler(
            sp.GetRequiredService<DesiredStateIntake>(), sp.GetRequiredService<AgentStateStore>(), sp.GetRequiredService<IOptions<InboxOptions>>().Value));
        services.AddSingleton<CredentialRenewer>();
        services.AddSingleton<RenewalTrigger>();
        services.AddSingleton<Reconciler>();
        services.AddSingleton<ReportBuilder>();

        services.AddSingleton(sp => sp.GetRequiredService<IOptions<WireGuardOptions>>().Value);
        services.AddSingleton<IWireGuardClient>(sp => WireGuardBackend.Choose(
            sp.GetRequiredService<WireGuardOptions>(), sp.GetRequiredService<ILoggerFactory>().CreateLogger("CloudWg.EdgeAgent.WireGuard")));
        services.AddSingleton<IpLinkManager>();
        services.AddSingleton<WireGuardDriver>();
        services.AddSingleton<IDataPlaneDriver>(sp => sp.GetRequiredService<WireGuardDriver>());

        // nftables: the agent's own table, in the interface's namespace. Caddy-L4: only where an admin socket is
        // configured; without one, a desired state with L4 routes fails its pass with a message saying so.
        services.AddOptions<DataPlaneOptions>().Bind(configuration.GetSection(DataPlaneOptions.Section));
        services.AddSingleton<IDataPlaneDriver>(sp => sp.GetRequiredService<IOptions<DataPlaneOptions>>().Value.Firewall
            ? new NftablesFirewallDriver(sp.GetRequiredService<WireGuardOptions>().NetworkNamespace, ct =>
                DefaultRoute.InterfaceAsync(sp.GetRequiredService<WireGuardOptions>().IpCommand, sp.GetRequiredService<WireGuardOptions>().NetworkNamespace, ct))
            : new DisabledDriver("nftables", "CloudWg firewall management is off (DataPlane:Firewall = false)", d => d.Firewall.Rules.Count > 0));
        // Forwarding after the firewall: it opens only behind the table that filters it.
        services.AddSingleton<ISysctl>(sp => new ProcSysctl(sp.GetRequiredService<WireGuardOptions>().NetworkNamespace));
        services.AddSingleton<ForwardingDriver>();
        services.AddSingleton<IDataPlaneDriver>(sp => sp.GetRequiredService<ForwardingDriver>());
        services.AddOptions<HAProxyOptions>().Bind(configuration.GetSection(HAProxyOptions.Section));
        services.AddSingleton<IDataPlaneDriver>(sp =>
        {
            var dataPlane = sp.GetRequiredService<IOptions<DataPlaneOptions>>().Value;
            return dataPlane.EffectiveL4Proxy switch
            {
                "haproxy" => new HAProxyDriver(sp.GetRequiredService<IOptions<HAProxyOptions>>().Value),
                "caddy" when dataPlane.CaddyAdminAddress is { Length: > 0 } admin => new CaddyL4DataPlaneDriver(new CaddyAdminClient(admin)),
                "caddy" => new DisabledDriver("caddy-l4", "DataPlane:L4Proxy is caddy but DataPlane:CaddyAdminAddress is not set (e.g. unix//run/caddy/admin.sock)", d => d.L4.Servers.Any(s => s.Routes.Count > 0)),
                "none" => new DisabledDriver("l4", "L4 routes need an L4 proxy: set DataPlane:L4Proxy to haproxy (the distribution's package) or caddy (with the layer4 app)", d => d.L4.Servers.Any(s => s.Routes.Count > 0)),
                var other => new DisabledDriver("l4", $"DataPlane:L4Proxy '{other}' is not one of caddy, haproxy, none", _ => true),
            };
        });
    }

    private static void AddConfiguration(IConfigurationBuilder configuration, AgentHostSettings settings)
    {
        if (settings.ConfigFile is { } file)
        {
            configuration.AddJsonFile(file, optional: true, reloadOnChange: false);
        }

        configuration.AddEnvironmentVariables("CLOUDWG_AGENT_");
        configuration.AddInMemoryCollection(settings.Overrides);
    }
}

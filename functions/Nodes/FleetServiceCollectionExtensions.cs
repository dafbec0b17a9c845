using CloudWg.Functions.Changes;
using CloudWg.Functions.FirewallRules;
using CloudWg.Functions.Leases;
using CloudWg.Functions.Peers;
using CloudWg.Functions.Routes;

namespace CloudWg.Functions.Nodes;

public static class FleetServiceCollectionExtensions
{
    /// <summary>The fleet's stores (nodes, peers, routes, firewall rules, leases), the change feed and the expiry work.</summary>
    public static IServiceCollection AddCloudWgFleet(this IServiceCollection services)
    {
        services.AddSingleton<NodeStore>();
        services.AddSingleton<PeerStore>();
        services.AddSingleton<RouteStore>();
        services.AddSingleton<FirewallRuleStore>();
        services.AddSingleton<LeaseStore>();
        services.AddSingleton<ChangeFeed>();
        services.AddSingleton<ChangeRecorder>();
        services.AddSingleton<PeerExpiry>();
        return services;
    }
}

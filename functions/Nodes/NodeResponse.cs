using CloudWg.Protocol.DesiredStates;

namespace CloudWg.Functions.Nodes;

/// <summary>A node as the API returns it.</summary>
/// <param name="DesiredVersion">The latest published desired-state version (0 before the first).</param>
/// <param name="AppliedVersion">The version the node last reported applied.</param>
/// <param name="L4Proxy">The L4 proxy the node reported running (caddy, haproxy, none); null before its first report.</param>
public sealed record NodeResponse(
    string Id,
    string Name,
    string Endpoint,
    int ListenPort,
    string Ipv4Network,
    string? Ipv6Network,
    int Mtu,
    int PersistentKeepalive,
    IReadOnlyList<string> L4Listen,
    IReadOnlyList<string> Dns,
    FirewallPolicies FirewallPolicy,
    bool Egress,
    string? EgressInterface,
    string? PublicKey,
    string Status,
    long DesiredVersion,
    long? AppliedVersion,
    DateTimeOffset? LastSeenAt,
    string? L4Proxy,
    string Etag,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

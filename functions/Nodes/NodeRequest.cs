using CloudWg.Protocol.DesiredStates;

namespace CloudWg.Functions.Nodes;

/// <summary>
/// Body of <c>POST /api/nodes</c> and <c>PATCH /api/nodes/{id}</c> (JSON merge patch: absent = unchanged,
/// null = default). Documents the shape for OpenAPI; the handlers read it field by field to name every bad one.
/// </summary>
/// <param name="Name">1–64 characters. Required on create.</param>
/// <param name="Endpoint">Public host name or IP address clients dial. Required on create.</param>
/// <param name="ListenPort">WireGuard UDP port, default 51820.</param>
/// <param name="Ipv4Network">Tunnel network such as 10.44.0.0/24 (/8–/30); the node takes the first address. Required on create.</param>
/// <param name="Ipv6Network">Optional tunnel network such as fd00:44::/64 (/16–/126).</param>
/// <param name="Mtu">1280–9000, default 1420.</param>
/// <param name="PersistentKeepalive">Seconds handed to clients (0 = off), default 25.</param>
/// <param name="L4Listen">SNI router listen addresses, default [":443"].</param>
/// <param name="Dns">DNS servers handed to clients.</param>
/// <param name="FirewallPolicy">Defaults for tunnel traffic no rule matched; default: accept to the node and out, drop between peers.</param>
/// <param name="Egress">Exit node: peers reach the internet through the node (source NAT there). Default false.</param>
/// <param name="EgressInterface">The node's interface egress leaves by; null or absent: the one its default route uses.</param>
public sealed record NodeRequest(
    string? Name,
    string? Endpoint,
    int? ListenPort,
    string? Ipv4Network,
    string? Ipv6Network,
    int? Mtu,
    int? PersistentKeepalive,
    IReadOnlyList<string>? L4Listen,
    IReadOnlyList<string>? Dns,
    FirewallPolicies? FirewallPolicy,
    bool? Egress,
    string? EgressInterface);

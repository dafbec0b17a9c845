using Azure;
using CloudWg.Protocol.DesiredStates;

namespace CloudWg.Functions.Nodes;

/// <summary>A WireGuard edge node as the control plane stores it.</summary>
/// <param name="Endpoint">Public host name or IP address clients dial.</param>
/// <param name="Ipv4Network">Canonical CIDR; the node takes the first address, peers the rest.</param>
/// <param name="PersistentKeepalive">Seconds, handed to clients in their configs (0 = off).</param>
/// <param name="L4Listen">Layer-4 listen addresses of the SNI router, e.g. <c>:443</c>.</param>
/// <param name="Dns">DNS servers handed to clients.</param>
/// <param name="FirewallPolicy">What happens to tunnel traffic no rule matched.</param>
/// <param name="PublicKey">The node's WireGuard public key, reported at enrollment.</param>
/// <param name="Status"><see cref="NodeStatuses"/>.</param>
/// <param name="Egress">Exit node: peers reach the internet through it (source NAT on the node).</param>
/// <param name="EgressInterface">The interface egress leaves by; null: the node's default route.</param>
public sealed record Node(
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
    string? PublicKey,
    string Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    ETag ETag = default,
    bool Egress = false,
    string? EgressInterface = null)
{
    public const int DefaultListenPort = 51820;
    public const int DefaultMtu = 1420;
    public const int DefaultPersistentKeepalive = 25;
    public const string DefaultL4Listen = ":443";

    /// <summary>The WireGuard interface the agent creates and owns on the node.</summary>
    public const string InterfaceName = "cloudwg0";

    /// <summary>Peers reach the node and, when egress is on, the internet; not each other until the operator allows it.</summary>
    public static readonly FirewallPolicies DefaultFirewallPolicy = new(FirewallAction.Accept, FirewallAction.Drop, FirewallAction.Accept);
}

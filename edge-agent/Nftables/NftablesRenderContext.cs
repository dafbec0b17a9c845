namespace CloudWg.EdgeAgent.Nftables;

/// <summary>Facts about the node that the firewall needs besides the operator's rules.</summary>
/// <param name="InterfaceName">The WireGuard interface; only traffic arriving on it is judged by the input policy.</param>
/// <param name="ListenPort">The WireGuard UDP port, always accepted.</param>
/// <param name="L4Ports">TCP ports the L4 proxy listens on, always accepted.</param>
/// <param name="EgressInterface">
/// Null: the node is no exit node, and traffic from peers out of the tunnel ends with a drop whatever the egress
/// policy (only an operator's accept rule lets some through, un-NATed: a LAN behind the node). Set: the interface
/// egress leaves by, with source NAT (masquerade) for tunnel traffic leaving through it.
/// </param>
public sealed record NftablesRenderContext(string InterfaceName, int ListenPort, IReadOnlyList<int> L4Ports, string? EgressInterface = null);

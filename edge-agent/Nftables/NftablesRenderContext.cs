namespace CloudWg.EdgeAgent.Nftables;

/// <summary>Facts about the node that the firewall needs besides the operator's rules.</summary>
/// <param name="InterfaceName">The WireGuard interface; only traffic arriving on it is judged by the input policy.</param>
/// <param name="ListenPort">The WireGuard UDP port, always accepted.</param>
/// <param name="L4Ports">TCP ports Caddy-L4 listens on, always accepted.</param>
public sealed record NftablesRenderContext(string InterfaceName, int ListenPort, IReadOnlyList<int> L4Ports);

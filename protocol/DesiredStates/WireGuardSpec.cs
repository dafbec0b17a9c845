namespace CloudWg.Protocol.DesiredStates;

/// <summary>The node's WireGuard interface. The private key is not here: it never leaves the node.</summary>
/// <param name="Interface">Interface name on the node, e.g. <c>wg0</c> (1–15 characters).</param>
/// <param name="Addresses">The node's own tunnel addresses in CIDR form, e.g. <c>10.44.0.1/24</c>.</param>
public sealed record WireGuardSpec(
    string Interface,
    int ListenPort,
    IReadOnlyList<string> Addresses,
    int Mtu,
    IReadOnlyList<PeerSpec> Peers);

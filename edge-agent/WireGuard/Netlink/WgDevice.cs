namespace CloudWg.EdgeAgent.WireGuard.Netlink;

/// <summary>A kernel WireGuard interface as WG_CMD_GET_DEVICE reports it.</summary>
/// <param name="PrivateKey">Null when the device has none (the kernel sends it only to CAP_NET_ADMIN).</param>
public sealed record WgDevice(
    string Name,
    int InterfaceIndex,
    byte[]? PrivateKey,
    byte[]? PublicKey,
    int ListenPort,
    int FirewallMark,
    IReadOnlyList<WgPeer> Peers);

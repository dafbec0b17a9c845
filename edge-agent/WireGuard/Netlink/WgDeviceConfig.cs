namespace CloudWg.EdgeAgent.WireGuard.Netlink;

/// <summary>A change to a device (WG_CMD_SET_DEVICE). Null members are left unchanged.</summary>
/// <param name="PrivateKey">32 bytes; all zeros removes the key.</param>
/// <param name="ListenPort">0 lets the kernel choose.</param>
/// <param name="FirewallMark">0 disables.</param>
/// <param name="ReplacePeers">Remove every peer not listed in <paramref name="Peers"/>.</param>
public sealed record WgDeviceConfig(
    byte[]? PrivateKey = null,
    int? ListenPort = null,
    int? FirewallMark = null,
    bool ReplacePeers = false,
    IReadOnlyList<WgPeerConfig>? Peers = null);

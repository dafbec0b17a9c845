namespace CloudWg.EdgeAgent.WireGuard;

/// <summary>A WireGuard device as read from the kernel or a userspace implementation.</summary>
/// <param name="PrivateKey">Null when the device has no private key set.</param>
/// <param name="PublicKey">Derived from <paramref name="PrivateKey"/>; null when that is null.</param>
public sealed record WgDevice(
    string Name,
    WgKey? PrivateKey,
    WgKey? PublicKey,
    int ListenPort,
    int FirewallMark,
    IReadOnlyList<WgPeer> Peers);

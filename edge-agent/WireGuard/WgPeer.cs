using System.Net;

namespace CloudWg.EdgeAgent.WireGuard;

/// <summary>One peer of a device as read back, with its runtime statistics.</summary>
/// <param name="PresharedKey">Null when the peer has no preshared key.</param>
/// <param name="PersistentKeepaliveSeconds">0 when disabled.</param>
/// <param name="LastHandshake">Null when no handshake has completed yet.</param>
public sealed record WgPeer(
    WgKey PublicKey,
    WgKey? PresharedKey,
    IPEndPoint? Endpoint,
    int PersistentKeepaliveSeconds,
    DateTimeOffset? LastHandshake,
    long ReceiveBytes,
    long TransmitBytes,
    IReadOnlyList<IPNetwork> AllowedIps,
    int ProtocolVersion);

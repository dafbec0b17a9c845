using System.Net;

namespace CloudWg.EdgeAgent.WireGuard.Netlink;

/// <summary>One peer of a <see cref="WgDevice"/>, with its statistics.</summary>
/// <param name="PresharedKey">Null when the peer has none (the kernel reports all zeros).</param>
/// <param name="LastHandshake">Null before the first handshake.</param>
public sealed record WgPeer(
    byte[] PublicKey,
    byte[]? PresharedKey,
    IPEndPoint? Endpoint,
    int PersistentKeepalive,
    DateTimeOffset? LastHandshake,
    long ReceiveBytes,
    long TransmitBytes,
    IReadOnlyList<IPNetwork> AllowedIps,
    int ProtocolVersion);

using System.Net;

namespace CloudWg.EdgeAgent.WireGuard.Netlink;

/// <summary>A change to one peer. Null members are left unchanged.</summary>
/// <param name="Remove">Remove the peer (other members are ignored).</param>
/// <param name="UpdateOnly">Only change the peer if it already exists; never create it.</param>
/// <param name="PresharedKey">32 bytes; all zeros removes it.</param>
/// <param name="PersistentKeepalive">Seconds; 0 disables.</param>
/// <param name="ReplaceAllowedIps">Replace the peer's allowed IPs with <paramref name="AllowedIps"/> instead of adding to them.</param>
public sealed record WgPeerConfig(
    byte[] PublicKey,
    bool Remove = false,
    bool UpdateOnly = false,
    byte[]? PresharedKey = null,
    IPEndPoint? Endpoint = null,
    int? PersistentKeepalive = null,
    bool ReplaceAllowedIps = false,
    IReadOnlyList<IPNetwork>? AllowedIps = null);

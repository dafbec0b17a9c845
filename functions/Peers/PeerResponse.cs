namespace CloudWg.Functions.Peers;

/// <summary>A peer as the API returns it; the preshared key is never echoed, only whether there is one.</summary>
/// <param name="LastHandshakeAt">From the node's last report: the peer's latest WireGuard handshake, if any.</param>
/// <param name="Endpoint">From the node's last report: where the peer's packets come from.</param>
public sealed record PeerResponse(
    string Id,
    string NodeId,
    string Name,
    string PublicKey,
    bool HasPresharedKey,
    IReadOnlyList<string> Addresses,
    IReadOnlyList<string> AllowedIps,
    int? PersistentKeepalive,
    bool Enabled,
    DateTimeOffset? ExpiresAt,
    string? Notes,
    string Etag,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? LastHandshakeAt = null,
    string? Endpoint = null,
    long? RxBytes = null,
    long? TxBytes = null);

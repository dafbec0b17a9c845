namespace CloudWg.Functions.Peers;

/// <summary>A peer as the API returns it; the preshared key is never echoed, only whether there is one.</summary>
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
    DateTimeOffset UpdatedAt);

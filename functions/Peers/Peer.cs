using Azure;
using CloudWg.Functions.Validation;

namespace CloudWg.Functions.Peers;

/// <summary>A client of a node. Only its public key is stored: its private key never leaves the client.</summary>
/// <param name="Addresses">The peer's tunnel addresses as host CIDRs (<c>10.44.0.2/32</c>), leased from the node's networks.</param>
/// <param name="AllowedIps">What the node routes to this peer; defaults to <see cref="Addresses"/>.</param>
/// <param name="PersistentKeepalive">Seconds; null = the node's default for the client, and none on the node's side.</param>
/// <param name="ExpiresAt">After this the peer is left out of the desired state and later deleted.</param>
public sealed record Peer(
    string Id,
    string NodeId,
    string Name,
    string PublicKey,
    string? PresharedKey,
    IReadOnlyList<string> Addresses,
    IReadOnlyList<string> AllowedIps,
    int? PersistentKeepalive,
    bool Enabled,
    DateTimeOffset? ExpiresAt,
    string? Notes,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    ETag ETag = default) : IVersioned
{
    /// <summary>Whether the node should carry this peer at <paramref name="now"/>.</summary>
    public bool IsActiveAt(DateTimeOffset now) => Enabled && (ExpiresAt is null || ExpiresAt > now);
}

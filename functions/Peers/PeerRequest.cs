namespace CloudWg.Functions.Peers;

/// <summary>
/// Body of <c>POST /api/nodes/{id}/peers</c> and <c>PATCH /api/peers/{id}</c> (merge patch). The private key is
/// made on the client and never sent.
/// </summary>
/// <param name="Name">1–64 characters. Required on create.</param>
/// <param name="PublicKey">The client's WireGuard public key (base64, 44 characters). Required on create; unique per node.</param>
/// <param name="PresharedKey">Optional extra symmetric key (base64, 44 characters); never returned.</param>
/// <param name="Addresses">Host addresses (10.44.0.7/32, fd00:44::7/128) inside the node's networks, at most one per family; allocated when absent. Fixed after creation.</param>
/// <param name="AllowedIps">CIDRs the node routes to this peer; default: its addresses. Must not overlap another peer's.</param>
/// <param name="PersistentKeepalive">Seconds (0–65535); default: the node's setting for the client, none on the node.</param>
/// <param name="Enabled">Default true.</param>
/// <param name="ExpiresAt">When the peer stops working and is deleted; must be in the future.</param>
/// <param name="Notes">Up to 1024 characters.</param>
public sealed record PeerRequest(
    string? Name,
    string? PublicKey,
    string? PresharedKey,
    IReadOnlyList<string>? Addresses,
    IReadOnlyList<string>? AllowedIps,
    int? PersistentKeepalive,
    bool? Enabled,
    DateTimeOffset? ExpiresAt,
    string? Notes);

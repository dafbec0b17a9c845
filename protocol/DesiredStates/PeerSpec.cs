namespace CloudWg.Protocol.DesiredStates;

/// <summary>One WireGuard peer as the node must configure it.</summary>
/// <param name="PublicKey">32 bytes, standard base64.</param>
/// <param name="PresharedKey">Optional 32-byte symmetric key, standard base64.</param>
/// <param name="AllowedIps">Canonical CIDRs routed to this peer.</param>
/// <param name="Keepalive">Persistent keepalive in seconds (1–65535), or null for none.</param>
public sealed record PeerSpec(
    string PublicKey,
    string? PresharedKey,
    IReadOnlyList<string> AllowedIps,
    int? Keepalive);

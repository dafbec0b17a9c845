using System.Net;

namespace CloudWg.EdgeAgent.WireGuard;

/// <summary>A change to one peer; a null member leaves that setting unchanged.</summary>
public sealed record WgPeerPatch
{
    public required WgKey PublicKey { get; init; }

    /// <summary>Removes the peer; every other member is ignored.</summary>
    public bool Remove { get; init; }

    /// <summary>Only change the peer if it exists; never create it.</summary>
    public bool UpdateOnly { get; init; }

    /// <summary><see cref="WgKey.Zero"/> clears the preshared key.</summary>
    public WgKey? PresharedKey { get; init; }

    public IPEndPoint? Endpoint { get; init; }

    /// <summary>0 disables keepalive.</summary>
    public int? PersistentKeepaliveSeconds { get; init; }

    /// <summary>Replace the peer's allowed IPs with <see cref="AllowedIps"/> instead of adding to them.</summary>
    public bool ReplaceAllowedIps { get; init; }

    public IReadOnlyList<IPNetwork>? AllowedIps { get; init; }
}

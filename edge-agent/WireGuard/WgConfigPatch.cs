namespace CloudWg.EdgeAgent.WireGuard;

/// <summary>
/// A change to a device, in the style of wgctrl-go: a null member leaves that setting unchanged.
/// </summary>
public sealed record WgConfigPatch
{
    public WgKey? PrivateKey { get; init; }

    /// <summary>0 lets the implementation pick a port.</summary>
    public int? ListenPort { get; init; }

    /// <summary>0 clears the mark.</summary>
    public int? FirewallMark { get; init; }

    /// <summary>Removes every peer not named in <see cref="Peers"/> first. Never used for small changes.</summary>
    public bool ReplacePeers { get; init; }

    public IReadOnlyList<WgPeerPatch> Peers { get; init; } = [];

    /// <summary>True when applying this patch would not change anything.</summary>
    public bool IsEmpty => PrivateKey is null && ListenPort is null && FirewallMark is null && !ReplacePeers && Peers.Count == 0;
}

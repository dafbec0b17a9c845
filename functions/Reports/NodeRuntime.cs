namespace CloudWg.Functions.Reports;

/// <summary>
/// What the node last reported, kept in its own row (<c>nodes</c> table, node partition, row <see cref="NodeRuntimeStore.RowKey"/>)
/// so that reports every 30 s never change the node's API ETag.
/// </summary>
/// <param name="Status"><see cref="NodeLiveness.Online"/> or <see cref="NodeLiveness.Offline"/>.</param>
/// <param name="LastSeenAt">When the control plane accepted the last report (its own clock, not the node's).</param>
/// <param name="ReportedAt">The time the node put in its last report.</param>
/// <param name="PeerCount">Peers in the last report; their stats are in <see cref="NodeRuntimeStore.GetPeerStatsAsync"/>.</param>
/// <param name="L4Proxy">The L4 proxy the node runs (caddy, haproxy, none); null when its agent does not say.</param>
public sealed record NodeRuntime(
    string NodeId,
    string Status,
    long? AppliedVersion,
    DateTimeOffset LastSeenAt,
    DateTimeOffset ReportedAt,
    long Sequence,
    string ReconcileOutcome,
    string? Error,
    string AgentVersion,
    IReadOnlyDictionary<string, long> Rejections,
    int PeerCount,
    string? L4Proxy = null);

using System.Collections.Concurrent;
using CloudWg.Functions.FirewallRules;
using CloudWg.Functions.Nodes;
using CloudWg.Functions.Peers;
using CloudWg.Functions.Routes;

namespace CloudWg.Functions.Publishing;

/// <summary>
/// Reads a node's snapshot: one point read and three partition queries, run concurrently. A large node's peers take
/// most of that time, and most publishes (route, firewall-rule and node changes) find them unchanged, so the
/// instance keeps the peers it read last with the node's peer stamp (<see cref="PeerStore.StampRowKey"/>) read just
/// before, and reuses them only while the stamp is still that value: every peer write replaces the stamp in the same
/// transaction, on whichever instance it runs, so an unchanged stamp means unchanged rows. Reading the stamp before
/// the rows keeps a pair that raced with a write conservative: the rows may be newer than the stamp, never older.
/// The instance holds one peer list per node it has published, so its memory grows with the fleet's peer count.
/// </summary>
public sealed class SnapshotLoader(NodeStore nodes, PeerStore peers, RouteStore routes, FirewallRuleStore rules)
{
    private readonly ConcurrentDictionary<string, CachedPeers> cache = new(StringComparer.Ordinal);

    public Task<NodeSnapshot?> LoadAsync(string nodeId, CancellationToken cancellationToken) => LoadAsync(nodeId, fresh: false, cancellationToken);

    /// <param name="fresh">
    /// Read every peer row even when the stamp is unchanged: the republish timer does, so that a row written past
    /// <see cref="PeerStore"/> (by hand, in a storage explorer) is published within one timer period.
    /// </param>
    public async Task<NodeSnapshot?> LoadAsync(string nodeId, bool fresh, CancellationToken cancellationToken)
    {
        var node = nodes.GetAsync(nodeId, cancellationToken);
        var peerList = PeersAsync(nodeId, fresh, cancellationToken);
        var routeList = routes.ListAsync(nodeId, cancellationToken);
        var ruleList = rules.ListAsync(nodeId, cancellationToken);
        await Task.WhenAll(node, peerList, routeList, ruleList);
        return await node is { } found ? new NodeSnapshot(found, await peerList, await routeList, await ruleList) : null;
    }

    private async Task<IReadOnlyList<Peer>> PeersAsync(string nodeId, bool fresh, CancellationToken cancellationToken)
    {
        var stamp = await peers.GetStampAsync(nodeId, cancellationToken);
        if (!fresh && stamp is not null && cache.TryGetValue(nodeId, out var cached) && cached.Stamp == stamp)
        {
            return cached.Peers;
        }

        var list = await peers.ListForPublishingAsync(nodeId, cancellationToken);
        if (stamp is null)
        {
            // Rows written before stamps existed (or none at all): nothing proves them unchanged later.
            cache.TryRemove(nodeId, out _);
        }
        else
        {
            cache[nodeId] = new CachedPeers(stamp, list);
        }

        return list;
    }

    private sealed record CachedPeers(string Stamp, IReadOnlyList<Peer> Peers);
}

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
/// The cache holds at most <see cref="MaxCachedPeers"/> peers in all by default (about 100 MB): past that, lists are dropped
/// and the next publish of their node simply reads its rows, so memory stays bounded whatever the fleet's size.
/// </summary>
public sealed class SnapshotLoader(
    NodeStore nodes, PeerStore peers, RouteStore routes, FirewallRuleStore rules, int maxCachedPeers = SnapshotLoader.MaxCachedPeers)
{
    /// <summary>Default upper bound on peers kept across all nodes.</summary>
    public const int MaxCachedPeers = 200_000;

    private readonly ConcurrentDictionary<string, CachedList> cache = new(StringComparer.Ordinal);
    private int cachedPeers;

    /// <summary>Peers held in the cache right now, across all nodes.</summary>
    public int CachedPeers => Volatile.Read(ref cachedPeers);

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
        if (await node is { } found)
        {
            return new NodeSnapshot(found, await peerList, await routeList, await ruleList);
        }

        Forget(nodeId);
        return null;
    }

    private async Task<IReadOnlyList<Peer>> PeersAsync(string nodeId, bool fresh, CancellationToken cancellationToken)
    {
        var stamp = await peers.GetStampAsync(nodeId, cancellationToken);
        if (!fresh && stamp is not null && cache.TryGetValue(nodeId, out var cached) && cached.Stamp == stamp)
        {
            return cached.Peers;
        }

        var list = await peers.ListForPublishingAsync(nodeId, cancellationToken);
        // Without a stamp (rows written before stamps existed, or none at all) nothing proves them unchanged later.
        Forget(nodeId);
        if (stamp is not null && list.Count <= maxCachedPeers)
        {
            while (Volatile.Read(ref cachedPeers) + list.Count > maxCachedPeers && cache.Keys.FirstOrDefault() is { } victim)
            {
                Forget(victim);
            }

            if (cache.TryAdd(nodeId, new CachedList(stamp, list)))
            {
                Interlocked.Add(ref cachedPeers, list.Count);
            }
        }

        return list;
    }

    private void Forget(string nodeId)
    {
        if (cache.TryRemove(nodeId, out var removed))
        {
            Interlocked.Add(ref cachedPeers, -removed.Peers.Count);
        }
    }

    private sealed record CachedList(string Stamp, IReadOnlyList<Peer> Peers);
}

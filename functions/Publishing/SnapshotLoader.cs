using CloudWg.Functions.FirewallRules;
using CloudWg.Functions.Nodes;
using CloudWg.Functions.Peers;
using CloudWg.Functions.Routes;

namespace CloudWg.Functions.Publishing;

/// <summary>Reads a node's snapshot: one point read and three partition queries, run concurrently.</summary>
public sealed class SnapshotLoader(NodeStore nodes, PeerStore peers, RouteStore routes, FirewallRuleStore rules)
{
    public async Task<NodeSnapshot?> LoadAsync(string nodeId, CancellationToken cancellationToken)
    {
        var node = nodes.GetAsync(nodeId, cancellationToken);
        var peerList = peers.ListAsync(nodeId, cancellationToken);
        var routeList = routes.ListAsync(nodeId, cancellationToken);
        var ruleList = rules.ListAsync(nodeId, cancellationToken);
        await Task.WhenAll(node, peerList, routeList, ruleList);
        return await node is { } found ? new NodeSnapshot(found, await peerList, await routeList, await ruleList) : null;
    }
}

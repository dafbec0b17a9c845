using CloudWg.Functions.FirewallRules;
using CloudWg.Functions.Nodes;
using CloudWg.Functions.Peers;
using CloudWg.Functions.Routes;

namespace CloudWg.Functions.Publishing;

/// <summary>Everything stored about one node that its desired state is compiled from.</summary>
public sealed record NodeSnapshot(Node Node, IReadOnlyList<Peer> Peers, IReadOnlyList<SniRoute> Routes, IReadOnlyList<FirewallRule> Rules);

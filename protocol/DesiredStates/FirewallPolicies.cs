namespace CloudWg.Protocol.DesiredStates;

/// <summary>
/// What happens to traffic no rule matched. Scoped to tunnel traffic so that a node's own SSH and other
/// services outside CloudWg are never affected: <see cref="Input"/> is traffic from the WireGuard
/// interface to the node itself, <see cref="Forward"/> is traffic between peers and from peers to L4
/// upstreams, <see cref="Egress"/> is traffic from peers out to the internet.
/// </summary>
public sealed record FirewallPolicies(FirewallAction Input, FirewallAction Forward, FirewallAction Egress);

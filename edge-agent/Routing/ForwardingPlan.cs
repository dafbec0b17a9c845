using CloudWg.Protocol.DesiredStates;

namespace CloudWg.EdgeAgent.Routing;

/// <summary>
/// Whether a desired state needs the kernel to forward packets: when the node is an exit node, or when the firewall
/// lets anything from a peer through the node (forward policy or a forward rule that accepts; an egress rule that
/// accepts, which on a node without egress reaches a network behind it un-NATed). IPv6 only when the tunnel has IPv6.
/// Pure.
/// </summary>
public static class ForwardingPlan
{
    public static (bool Ipv4, bool Ipv6) For(DesiredState desired)
    {
        var firewall = desired.Firewall;
        var egress = desired.Routing?.Egress == true;
        var needed = egress
            || firewall.Policies.Forward == FirewallAction.Accept
            || firewall.Rules.Any(r => r.Action == FirewallAction.Accept && r.Direction is FirewallDirection.Forward or FirewallDirection.Egress);
        var ipv6 = desired.WireGuard.Addresses.Any(a => a.Contains(':', StringComparison.Ordinal));
        return (needed, needed && ipv6);
    }
}

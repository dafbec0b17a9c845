namespace CloudWg.Protocol.DesiredStates;

/// <summary>
/// What the node routes beyond its tunnel. The agent owns IP forwarding (on when this or the firewall lets anything
/// through the node, back to what it found otherwise) and, with <see cref="Egress"/>, source NAT and MSS clamping in
/// its own nftables table.
/// </summary>
/// <param name="Egress">Exit node: peers reach the internet through the node, masqueraded behind its address.</param>
/// <param name="EgressInterface">The interface traffic leaves by; null: the one the default route uses.</param>
public sealed record RoutingSpec(bool Egress, string? EgressInterface);

namespace CloudWg.Protocol.DesiredStates;

/// <summary>One operator rule, already resolved: peer ids are replaced by their CIDRs.</summary>
/// <param name="Id">The rule's id in the control plane.</param>
/// <param name="Ports">Single ports (<c>"443"</c>) and inclusive ranges (<c>"8000-8100"</c>); empty means any.
/// Only valid with <see cref="FirewallProtocol.Tcp"/> or <see cref="FirewallProtocol.Udp"/>.</param>
/// <param name="Sources">Canonical CIDRs; empty means any.</param>
/// <param name="Destinations">Canonical CIDRs; empty means any.</param>
/// <param name="Priority">Lower runs first; ties are broken by <see cref="Id"/>.</param>
public sealed record FirewallRuleSpec(
    string Id,
    FirewallDirection Direction,
    FirewallProtocol Protocol,
    IReadOnlyList<string> Ports,
    IReadOnlyList<string> Sources,
    IReadOnlyList<string> Destinations,
    FirewallAction Action,
    int Priority,
    string? Comment);

using Azure;
using CloudWg.Functions.Validation;
using CloudWg.Protocol.DesiredStates;

namespace CloudWg.Functions.FirewallRules;

/// <summary>An operator's firewall rule on one node.</summary>
/// <param name="Ports">Single ports and inclusive ranges (<c>8000-8100</c>); empty = any. Only with tcp or udp.</param>
/// <param name="Sources">CIDRs or peer ids of this node; empty = any.</param>
/// <param name="Destinations">CIDRs or peer ids of this node; empty = any.</param>
/// <param name="Priority">Lower runs first.</param>
public sealed record FirewallRule(
    string Id,
    string NodeId,
    FirewallDirection Direction,
    FirewallProtocol Protocol,
    IReadOnlyList<string> Ports,
    IReadOnlyList<string> Sources,
    IReadOnlyList<string> Destinations,
    FirewallAction Action,
    int Priority,
    string? Comment,
    bool Enabled,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    ETag ETag = default) : IVersioned
{
    public const int DefaultPriority = 1000;
}

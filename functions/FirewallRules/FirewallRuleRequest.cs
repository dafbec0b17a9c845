namespace CloudWg.Functions.FirewallRules;

/// <summary>Body of <c>POST /api/nodes/{id}/firewall-rules</c> and <c>PATCH /api/firewall-rules/{id}</c> (merge patch).</summary>
/// <param name="Direction">input, forward or egress. Required on create.</param>
/// <param name="Protocol">tcp, udp, icmp or any (default).</param>
/// <param name="Ports">Up to 32 ports (443) or ranges (8000-8100); only with tcp or udp; empty = any.</param>
/// <param name="Sources">Up to 64 CIDRs or peer ids of this node; empty = any.</param>
/// <param name="Destinations">Up to 64 CIDRs or peer ids of this node; empty = any.</param>
/// <param name="Action">accept, drop or reject. Required on create.</param>
/// <param name="Priority">0–65535, lower first; default 1000.</param>
/// <param name="Comment">Up to 128 bytes.</param>
/// <param name="Enabled">Default true.</param>
public sealed record FirewallRuleRequest(
    string? Direction,
    string? Protocol,
    IReadOnlyList<string>? Ports,
    IReadOnlyList<string>? Sources,
    IReadOnlyList<string>? Destinations,
    string? Action,
    int? Priority,
    string? Comment,
    bool? Enabled);

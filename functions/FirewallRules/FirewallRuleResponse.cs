namespace CloudWg.Functions.FirewallRules;

/// <summary>A firewall rule as the API returns it.</summary>
public sealed record FirewallRuleResponse(
    string Id,
    string NodeId,
    string Direction,
    string Protocol,
    IReadOnlyList<string> Ports,
    IReadOnlyList<string> Sources,
    IReadOnlyList<string> Destinations,
    string Action,
    int Priority,
    string? Comment,
    bool Enabled,
    string Etag,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

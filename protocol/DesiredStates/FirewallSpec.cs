namespace CloudWg.Protocol.DesiredStates;

/// <summary>The node's own nftables table (<c>inet cloudwg</c>): default policies and ordered rules.</summary>
public sealed record FirewallSpec(FirewallPolicies Policies, IReadOnlyList<FirewallRuleSpec> Rules);

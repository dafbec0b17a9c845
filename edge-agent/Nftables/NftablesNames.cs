namespace CloudWg.EdgeAgent.Nftables;

/// <summary>Names of the objects the agent owns in nftables. Everything lives in one table.</summary>
public static class NftablesNames
{
    public const string Family = "inet";
    public const string Table = "cloudwg";

    public const string InputChain = "input";
    public const string ForwardChain = "forward";
    public const string TunnelInputChain = "wg-input";
    public const string TunnelForwardChain = "wg-forward";
    public const string TunnelEgressChain = "wg-egress";

    /// <summary>Source NAT for exit nodes (type nat, hook postrouting, priority srcnat): after the filter chains.</summary>
    public const string PostroutingChain = "postrouting";

    /// <summary>Comment prefix of an operator rule; the rest of the comment is the rule id.</summary>
    public const string RuleCommentPrefix = "rule:";

    /// <summary>Comments of the rules the agent adds on its own.</summary>
    public const string WireGuardPortComment = "cloudwg:wireguard-port";
    public const string L4PortsComment = "cloudwg:l4-ports";
    public const string TunnelInputComment = "cloudwg:tunnel-input";
    public const string TunnelForwardComment = "cloudwg:tunnel-forward";
    public const string TunnelEgressComment = "cloudwg:tunnel-egress";
    public const string EstablishedComment = "cloudwg:established";
    public const string PolicyComment = "cloudwg:policy";
    public const string MssClampInComment = "cloudwg:mss-clamp-in";
    public const string MssClampOutComment = "cloudwg:mss-clamp-out";
    public const string MasqueradeComment = "cloudwg:masquerade";
}

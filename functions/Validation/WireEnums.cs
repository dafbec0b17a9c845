using CloudWg.Protocol.DesiredStates;

namespace CloudWg.Functions.Validation;

/// <summary>The wire (and storage) spelling of the protocol's enums, in both directions.</summary>
public static class WireEnums
{
    public static readonly IReadOnlyDictionary<string, FirewallAction> Actions = new Dictionary<string, FirewallAction>
    {
        ["accept"] = FirewallAction.Accept,
        ["drop"] = FirewallAction.Drop,
        ["reject"] = FirewallAction.Reject,
    };

    public static readonly IReadOnlyDictionary<string, FirewallDirection> Directions = new Dictionary<string, FirewallDirection>
    {
        ["input"] = FirewallDirection.Input,
        ["forward"] = FirewallDirection.Forward,
        ["egress"] = FirewallDirection.Egress,
    };

    public static readonly IReadOnlyDictionary<string, FirewallProtocol> Protocols = new Dictionary<string, FirewallProtocol>
    {
        ["tcp"] = FirewallProtocol.Tcp,
        ["udp"] = FirewallProtocol.Udp,
        ["icmp"] = FirewallProtocol.Icmp,
        ["any"] = FirewallProtocol.Any,
    };

    public static readonly IReadOnlyDictionary<string, ProxyProtocol> ProxyProtocols = new Dictionary<string, ProxyProtocol>
    {
        ["none"] = ProxyProtocol.None,
        ["v1"] = ProxyProtocol.V1,
        ["v2"] = ProxyProtocol.V2,
    };

    public static string Name<T>(T value)
        where T : struct, Enum => value.ToString().ToLowerInvariant();

    /// <summary>Parses a stored value, falling back to <paramref name="fallback"/> for anything unknown.</summary>
    public static T Parse<T>(IReadOnlyDictionary<string, T> names, string? text, T fallback)
        where T : struct => text is not null && names.TryGetValue(text, out var value) ? value : fallback;
}

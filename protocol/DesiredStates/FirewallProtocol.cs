using System.Text.Json.Serialization;

namespace CloudWg.Protocol.DesiredStates;

/// <summary>Layer-4 protocol a rule matches; icmp covers ICMP and ICMPv6.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FirewallProtocol>))]
public enum FirewallProtocol
{
    [JsonStringEnumMemberName("tcp")] Tcp,
    [JsonStringEnumMemberName("udp")] Udp,
    [JsonStringEnumMemberName("icmp")] Icmp,
    [JsonStringEnumMemberName("any")] Any,
}

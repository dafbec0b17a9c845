using System.Text.Json.Serialization;
using CloudWg.Protocol.Json;

namespace CloudWg.Protocol.DesiredStates;

/// <summary>Layer-4 protocol a rule matches; icmp covers ICMP and ICMPv6.</summary>
[JsonConverter(typeof(StrictEnumConverter<FirewallProtocol>))]
public enum FirewallProtocol
{
    [JsonStringEnumMemberName("tcp")] Tcp,
    [JsonStringEnumMemberName("udp")] Udp,
    [JsonStringEnumMemberName("icmp")] Icmp,
    [JsonStringEnumMemberName("any")] Any,
}

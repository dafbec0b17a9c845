using System.Text.Json.Serialization;
using CloudWg.Protocol.Json;

namespace CloudWg.Protocol.DesiredStates;

/// <summary>Which chain a rule belongs to (see FirewallPolicies).</summary>
[JsonConverter(typeof(StrictEnumConverter<FirewallDirection>))]
public enum FirewallDirection
{
    [JsonStringEnumMemberName("input")] Input,
    [JsonStringEnumMemberName("forward")] Forward,
    [JsonStringEnumMemberName("egress")] Egress,
}

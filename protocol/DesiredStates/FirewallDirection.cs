using System.Text.Json.Serialization;

namespace CloudWg.Protocol.DesiredStates;

/// <summary>Which chain a rule belongs to (see FirewallPolicies).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FirewallDirection>))]
public enum FirewallDirection
{
    [JsonStringEnumMemberName("input")] Input,
    [JsonStringEnumMemberName("forward")] Forward,
    [JsonStringEnumMemberName("egress")] Egress,
}

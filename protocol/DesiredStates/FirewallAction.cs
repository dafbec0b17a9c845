using System.Text.Json.Serialization;
using CloudWg.Protocol.Json;

namespace CloudWg.Protocol.DesiredStates;

/// <summary>What a rule (or a policy) does with a packet.</summary>
[JsonConverter(typeof(StrictEnumConverter<FirewallAction>))]
public enum FirewallAction
{
    [JsonStringEnumMemberName("accept")] Accept,
    [JsonStringEnumMemberName("drop")] Drop,
    [JsonStringEnumMemberName("reject")] Reject,
}

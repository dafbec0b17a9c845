using System.Text.Json.Serialization;
using CloudWg.Protocol.Json;

namespace CloudWg.Protocol.DesiredStates;

/// <summary>Whether a PROXY protocol header is prepended towards the upstream.</summary>
[JsonConverter(typeof(StrictEnumConverter<ProxyProtocol>))]
public enum ProxyProtocol
{
    [JsonStringEnumMemberName("none")] None,
    [JsonStringEnumMemberName("v1")] V1,
    [JsonStringEnumMemberName("v2")] V2,
}

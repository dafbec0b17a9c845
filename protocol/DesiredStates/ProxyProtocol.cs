using System.Text.Json.Serialization;

namespace CloudWg.Protocol.DesiredStates;

/// <summary>Whether a PROXY protocol header is prepended towards the upstream.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ProxyProtocol>))]
public enum ProxyProtocol
{
    [JsonStringEnumMemberName("none")] None,
    [JsonStringEnumMemberName("v1")] V1,
    [JsonStringEnumMemberName("v2")] V2,
}

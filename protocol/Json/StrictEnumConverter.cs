using System.Text.Json.Serialization;

namespace CloudWg.Protocol.Json;

/// <summary>
/// Enums travel as their declared string names only (<see cref="JsonStringEnumMemberNameAttribute"/>): integers and
/// undefined values are refused both ways, so every enum value has exactly one spelling on the wire.
/// </summary>
public sealed class StrictEnumConverter<TEnum> : JsonStringEnumConverter<TEnum>
    where TEnum : struct, Enum
{
    public StrictEnumConverter()
        : base(namingPolicy: null, allowIntegerValues: false)
    {
    }
}

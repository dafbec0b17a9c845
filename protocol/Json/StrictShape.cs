using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace CloudWg.Protocol.Json;

/// <summary>
/// Walks a parsed document alongside its source-generated metadata before the serializer sees it, so that
/// duplicate, unknown and missing members are reported precisely (with a path) instead of being silently
/// dropped or last-one-wins.
/// </summary>
internal static class StrictShape
{
    public static void Check(JsonElement element, JsonTypeInfo typeInfo, string path)
    {
        switch (typeInfo.Kind)
        {
            case JsonTypeInfoKind.Object:
                CheckObject(element, typeInfo, path);
                break;
            case JsonTypeInfoKind.Enumerable when typeInfo.ElementType is { } elementType:
                if (element.ValueKind != JsonValueKind.Array)
                {
                    return; // the serializer reports the wrong kind
                }

                var elementInfo = typeInfo.Options.GetTypeInfo(elementType);
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    var itemPath = $"{path}[{index}]";
                    if (item.ValueKind == JsonValueKind.Null && !IsNullableValueType(elementType))
                    {
                        throw new ProtocolJsonException(ProtocolJsonError.MissingMember, $"{itemPath} is null; array elements may not be null.");
                    }

                    Check(item, elementInfo, itemPath);
                    index++;
                }

                break;
            case JsonTypeInfoKind.Dictionary when typeInfo.ElementType is { } valueType:
                if (element.ValueKind != JsonValueKind.Object)
                {
                    return;
                }

                CheckDuplicates(element, path);
                var valueInfo = typeInfo.Options.GetTypeInfo(valueType);
                foreach (var property in element.EnumerateObject())
                {
                    Check(property.Value, valueInfo, $"{path}.{property.Name}");
                }

                break;
            default:
                break;
        }
    }

    private static void CheckObject(JsonElement element, JsonTypeInfo typeInfo, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        CheckDuplicates(element, path);
        var byName = new Dictionary<string, JsonPropertyInfo>(StringComparer.Ordinal);
        foreach (var info in typeInfo.Properties)
        {
            byName[info.Name] = info;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            var memberPath = $"{path}.{property.Name}";
            if (!byName.TryGetValue(property.Name, out var info))
            {
                throw new ProtocolJsonException(ProtocolJsonError.UnknownMember, $"{memberPath} is not a member of {typeInfo.Type.Name}.");
            }

            seen.Add(property.Name);
            if (property.Value.ValueKind == JsonValueKind.Null)
            {
                if (IsRequired(info))
                {
                    throw new ProtocolJsonException(ProtocolJsonError.MissingMember, $"{memberPath} is required and may not be null.");
                }

                continue;
            }

            Check(property.Value, typeInfo.Options.GetTypeInfo(info.PropertyType), memberPath);
        }

        foreach (var info in typeInfo.Properties)
        {
            if (!seen.Contains(info.Name) && IsRequired(info))
            {
                throw new ProtocolJsonException(ProtocolJsonError.MissingMember, $"{path}.{info.Name} is required.");
            }
        }
    }

    private static bool IsRequired(JsonPropertyInfo info) =>
        info.IsRequired
        || (info.AssociatedParameter is { HasDefaultValue: false } parameter
            && !parameter.IsNullable
            && !IsNullableValueType(info.PropertyType));

    private static bool IsNullableValueType(Type type) => Nullable.GetUnderlyingType(type) is not null;

    private static void CheckDuplicates(JsonElement element, string path)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            if (!names.Add(property.Name))
            {
                throw new ProtocolJsonException(
                    ProtocolJsonError.DuplicateMemberNames,
                    $"{path}.{property.Name} appears more than once in one object.");
            }
        }
    }
}

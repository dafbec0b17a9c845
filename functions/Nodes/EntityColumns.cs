using System.Text.Json;

namespace CloudWg.Functions.Nodes;

/// <summary>List-valued columns are stored as JSON arrays of strings (Table Storage has no list type).</summary>
internal static class EntityColumns
{
    public static string ToJson(IReadOnlyList<string> values) => JsonSerializer.Serialize(values);

    public static IReadOnlyList<string> FromJson(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return [];
        }

        try
        {
            return JsonSerializer.Deserialize<string[]>(json) ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }
}

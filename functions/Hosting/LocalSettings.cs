using System.Text.Json;

namespace CloudWg.Functions.Hosting;

/// <summary>
/// Reads the Azure Functions <c>local.settings.json</c> shape (<c>{"Values": {...}}</c>) so the app takes the same
/// settings under <c>dotnet run</c> as under the Functions host, where "Values" become environment variables.
/// </summary>
public static class LocalSettings
{
    public static IConfigurationBuilder AddLocalSettingsJson(this IConfigurationBuilder builder, string path)
    {
        if (!File.Exists(path))
        {
            return builder;
        }

        using var stream = File.OpenRead(path);
        using var document = JsonDocument.Parse(stream, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (document.RootElement.TryGetProperty("Values", out var section) && section.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in section.EnumerateObject())
            {
                // Environment-variable style keys ("CloudWg__StateDirectory") become configuration paths.
                values[property.Name.Replace("__", ":", StringComparison.Ordinal)] = property.Value.ValueKind == JsonValueKind.String
                    ? property.Value.GetString()
                    : property.Value.GetRawText();
            }
        }

        return builder.AddInMemoryCollection(values);
    }
}

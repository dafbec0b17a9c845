using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace CloudWg.Functions.Reports;

/// <summary>Reports-queue message text as the two hosts hand it over.</summary>
public static class ReportMessages
{
    /// <summary>
    /// The agent base64-encodes messages, as Functions queue triggers expect; the Functions host decodes them
    /// before they reach us, the local listener does not. A compact JWS contains dots, so it is never valid base64.
    /// </summary>
    public static string Decode(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.Contains('.', StringComparison.Ordinal))
        {
            return trimmed;
        }

        var buffer = new byte[Base64.GetMaxDecodedFromUtf8Length(trimmed.Length)];
        return Convert.TryFromBase64String(trimmed, buffer, out var written) ? Encoding.UTF8.GetString(buffer, 0, written).Trim() : trimmed;
    }

    /// <summary>The queue message from a custom-handler payload: <c>Data.report</c>, a JSON string (possibly JSON-quoted twice).</summary>
    public static string? FromCustomHandlerData(JsonElement? data)
    {
        if (data is not { ValueKind: JsonValueKind.Object } d || !d.TryGetProperty(QueueFunctions.IngestReportsBinding, out var value))
        {
            return null;
        }

        var text = value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText();
        if (text is { Length: > 1 } && text[0] == '"')
        {
            // The Functions host serialises string bindings as JSON: unwrap the inner string.
            try
            {
                text = JsonSerializer.Deserialize(text, ReportsJsonContext.Default.String);
            }
            catch (JsonException)
            {
                return text;
            }
        }

        return text is null ? null : Decode(text);
    }
}

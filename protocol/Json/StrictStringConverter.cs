using System.Text.Json;
using System.Text.Json.Serialization;

namespace CloudWg.Protocol.Json;

/// <summary>
/// Refuses to write strings holding lone surrogates. Without it the writer would silently replace them with
/// U+FFFD, and a document would be signed with different text than the model it came from.
/// </summary>
public sealed class StrictStringConverter : JsonConverter<string>
{
    public override bool HandleNull => false;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String ? reader.GetString() : throw new JsonException("Expected a JSON string.");

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (HasLoneSurrogate(value))
        {
            throw new ArgumentException("A string holds a lone surrogate, which has no canonical JSON form.", nameof(value));
        }

        writer.WriteStringValue(value);
    }

    public override string ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.GetString() ?? throw new JsonException("Expected a member name.");

    public override void WriteAsPropertyName(Utf8JsonWriter writer, string value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        if (HasLoneSurrogate(value))
        {
            throw new ArgumentException("A member name holds a lone surrogate, which has no canonical JSON form.", nameof(value));
        }

        writer.WritePropertyName(value);
    }

    internal static bool HasLoneSurrogate(ReadOnlySpan<char> text)
    {
        if (!text.ContainsAnyInRange('\uD800', '\uDFFF'))
        {
            return false;
        }

        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return true;
            }
        }

        return false;
    }
}

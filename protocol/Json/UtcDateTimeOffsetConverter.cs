using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CloudWg.Protocol.Json;

/// <summary>
/// Writes every <see cref="DateTimeOffset"/> as UTC with exactly seven fractional digits and a <c>Z</c>
/// (<c>2026-11-23T18:52:07.1234567Z</c>): lossless for .NET's 100 ns ticks, so a value survives a round trip and
/// always gives the same bytes. Reads any ISO-8601 date-time that carries an explicit offset; values without one
/// are rejected because "local time" means something different on every machine.
/// </summary>
public sealed class UtcDateTimeOffsetConverter : JsonConverter<DateTimeOffset>
{
    /// <summary>The exact format written.</summary>
    public const string Format = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException("A date-time must be a JSON string.");
        }

        var text = reader.GetString();
        if (text is null || !HasExplicitOffset(text) || !reader.TryGetDateTimeOffset(out var value))
        {
            throw new JsonException("A date-time must be ISO-8601 with 'Z' or an explicit offset, e.g. 2026-11-23T18:52:07.0000000Z.");
        }

        return value.ToUniversalTime();
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(ToWire(value));

    /// <summary>The canonical text of <paramref name="value"/>.</summary>
    public static string ToWire(DateTimeOffset value) =>
        value.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture);

    private static bool HasExplicitOffset(string text)
    {
        if (text.Length > 0 && text[^1] == 'Z')
        {
            return true;
        }

        // ...±hh:mm
        return text.Length >= 6
            && text[^6] is '+' or '-'
            && char.IsAsciiDigit(text[^5]) && char.IsAsciiDigit(text[^4])
            && text[^3] == ':'
            && char.IsAsciiDigit(text[^2]) && char.IsAsciiDigit(text[^1])
            && text.Contains('T', StringComparison.Ordinal);
    }
}

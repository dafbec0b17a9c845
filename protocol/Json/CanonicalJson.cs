using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using CloudWg.Protocol.DesiredStates;

namespace CloudWg.Protocol.Json;

/// <summary>
/// The one way protocol documents become bytes, so that hashes and signatures agree across processes and machines.
/// </summary>
/// <remarks>
/// <para>Canonical form (RFC 8785 "JCS" for the integer-only documents this protocol has):</para>
/// <list type="bullet">
/// <item>Object members sorted by name, comparing UTF-16 code units (ordinal). Sorted rather than declaration
/// order so that any implementation in any language can reproduce the bytes from the data alone.</item>
/// <item>No whitespace; member names camelCase (from <see cref="ProtocolJsonContext"/>); null members omitted.</item>
/// <item>Strings: only <c>"</c>, <c>\</c> and U+0000–U+001F are escaped — <c>\b \t \n \f \r</c> by their short
/// forms, the rest as <c>\u00xx</c> with lower-case hex; everything else is literal UTF-8. Lone surrogates are
/// rejected.</item>
/// <item>Numbers are integers in the 64-bit range written in their shortest decimal form (JCS would round
/// beyond 2^53; we keep them exact). Fractions and exponents are rejected: the protocol has none.</item>
/// <item>Date-times are UTC strings with seven fractional digits and 'Z' (<see cref="UtcDateTimeOffsetConverter"/>).</item>
/// </list>
/// <para>Reading is strict: duplicate member names, unknown members, missing required members, comments,
/// trailing commas or data, and (for desired states) an unknown <c>schema</c> are rejected with a
/// <see cref="ProtocolJsonException"/> naming the reason.</para>
/// </remarks>
public static class CanonicalJson
{
    /// <summary>Nesting deeper than this is rejected (the protocol needs about 6).</summary>
    public const int MaxDepth = 32;

    private static readonly JsonReaderOptions ReaderOptions = new()
    {
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        MaxDepth = MaxDepth,
    };

    /// <summary>Canonical bytes of a desired state.</summary>
    public static byte[] Serialize(DesiredState state) => Serialize(state, ProtocolJsonContext.Default.DesiredState);

    /// <summary>Canonical bytes of any wire type registered in <see cref="ProtocolJsonContext"/>.</summary>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not a wire type.</exception>
    public static byte[] Serialize<T>(T value) => Serialize(value, TypeInfo<T>());

    /// <summary>Canonical bytes of <paramref name="value"/> using the given source-generated metadata.</summary>
    /// <exception cref="ArgumentException">A string holds a lone surrogate (not representable in canonical JSON).</exception>
    public static byte[] Serialize<T>(T value, JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        var plain = JsonSerializer.SerializeToUtf8Bytes(value, typeInfo);
        try
        {
            return Canonicalize(plain);
        }
        catch (ProtocolJsonException e)
        {
            throw new ArgumentException($"The {typeof(T).Name} cannot be written as canonical JSON: {e.Message}", nameof(value), e);
        }
    }

    /// <summary>
    /// Reads a desired state. Rejects malformed JSON, duplicate member names, unknown or missing members, and any
    /// schema other than <see cref="ProtocolInfo.CurrentSchema"/>. It does not run <c>DesiredStateValidator</c>.
    /// </summary>
    /// <exception cref="ProtocolJsonException">The document was rejected; <see cref="ProtocolJsonException.Error"/> says why.</exception>
    public static DesiredState Deserialize(ReadOnlySpan<byte> utf8Json) =>
        Deserialize(utf8Json, ProtocolJsonContext.Default.DesiredState);

    /// <summary>Reads any wire type registered in <see cref="ProtocolJsonContext"/> with the same strictness.</summary>
    /// <exception cref="ProtocolJsonException">The document was rejected.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not a wire type.</exception>
    public static T Deserialize<T>(ReadOnlySpan<byte> utf8Json) => Deserialize(utf8Json, TypeInfo<T>());

    /// <summary>Reads <typeparamref name="T"/> with the given source-generated metadata, strictly.</summary>
    /// <exception cref="ProtocolJsonException">The document was rejected.</exception>
    public static T Deserialize<T>(ReadOnlySpan<byte> utf8Json, JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        using (var document = Parse(utf8Json))
        {
            var root = document.RootElement;
            if (typeof(T) == typeof(DesiredState))
            {
                CheckSchema(root);
            }

            StrictShape.Check(root, typeInfo, "$");
        }

        try
        {
            var value = JsonSerializer.Deserialize(utf8Json, typeInfo);
            return value ?? throw new ProtocolJsonException(ProtocolJsonError.MissingMember, "The document is null.");
        }
        catch (JsonException e) when (e is not ProtocolJsonException)
        {
            throw new ProtocolJsonException(ProtocolJsonError.Malformed, e.Message, e);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or OverflowException or ArgumentException)
        {
            throw new ProtocolJsonException(ProtocolJsonError.Malformed, e.Message, e);
        }
    }

    /// <summary>
    /// Rewrites any JSON text in canonical form (members sorted, no whitespace, canonical escaping). Nulls already
    /// present are kept. Rejects duplicate member names, non-integer numbers and invalid text.
    /// </summary>
    /// <exception cref="ProtocolJsonException">The input was rejected.</exception>
    public static byte[] Canonicalize(ReadOnlySpan<byte> utf8Json)
    {
        using var document = Parse(utf8Json);
        var output = new ArrayBufferWriter<byte>(Math.Max(256, utf8Json.Length));
        try
        {
            WriteCanonical(document.RootElement, output);
        }
        catch (InvalidOperationException e)
        {
            throw new ProtocolJsonException(ProtocolJsonError.Malformed, "The JSON text holds invalid UTF-8 or UTF-16.", e);
        }

        return output.WrittenSpan.ToArray();
    }

    /// <summary>True when <paramref name="utf8Json"/> is valid and already in canonical form.</summary>
    public static bool IsCanonical(ReadOnlySpan<byte> utf8Json)
    {
        try
        {
            return Canonicalize(utf8Json).AsSpan().SequenceEqual(utf8Json);
        }
        catch (ProtocolJsonException)
        {
            return false;
        }
    }

    /// <summary>Writes <paramref name="value"/> as a canonical JSON string literal (with quotes).</summary>
    /// <exception cref="ArgumentException"><paramref name="value"/> holds a lone surrogate.</exception>
    public static byte[] EncodeString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var output = new ArrayBufferWriter<byte>(value.Length + 2);
        if (!TryWriteString(value, output))
        {
            throw new ArgumentException("The string holds a lone surrogate.", nameof(value));
        }

        return output.WrittenSpan.ToArray();
    }

    internal static JsonDocument Parse(ReadOnlySpan<byte> utf8Json)
    {
        try
        {
            var reader = new Utf8JsonReader(utf8Json, ReaderOptions);
            var document = JsonDocument.ParseValue(ref reader);
            try
            {
                if (reader.Read())
                {
                    throw new ProtocolJsonException(ProtocolJsonError.Malformed, "Unexpected data after the JSON value.");
                }
            }
            catch
            {
                document.Dispose();
                throw;
            }

            return document;
        }
        catch (JsonException e) when (e is not ProtocolJsonException)
        {
            throw new ProtocolJsonException(ProtocolJsonError.Malformed, e.Message, e);
        }
        catch (ArgumentException e)
        {
            throw new ProtocolJsonException(ProtocolJsonError.Malformed, e.Message, e);
        }
    }

    [SuppressMessage("Trimming", "IL2026", Justification = "Only source-generated metadata from ProtocolJsonContext is used.")]
    private static JsonTypeInfo<T> TypeInfo<T>() =>
        ProtocolJsonContext.Default.GetTypeInfo(typeof(T)) as JsonTypeInfo<T>
        ?? throw new NotSupportedException($"{typeof(T).Name} is not a CloudWg wire type (not in ProtocolJsonContext).");

    private static void CheckSchema(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return; // StrictShape reports the wrong kind.
        }

        foreach (var property in root.EnumerateObject())
        {
            if (property.NameEquals("schema") && property.Value.ValueKind == JsonValueKind.Number)
            {
                if (!property.Value.TryGetInt64(out var schema) || schema != ProtocolInfo.CurrentSchema)
                {
                    throw new ProtocolJsonException(
                        ProtocolJsonError.UnknownSchema,
                        $"Schema {property.Value.GetRawText()} is not supported; this build understands schema {ProtocolInfo.CurrentSchema}.");
                }
            }
        }
    }

    private static void WriteCanonical(JsonElement element, ArrayBufferWriter<byte> output)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var members = new List<JsonProperty>();
                foreach (var property in element.EnumerateObject())
                {
                    members.Add(property);
                }

                members.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
                Write(output, "{"u8);
                for (var i = 0; i < members.Count; i++)
                {
                    if (i > 0)
                    {
                        if (string.Equals(members[i - 1].Name, members[i].Name, StringComparison.Ordinal))
                        {
                            throw new ProtocolJsonException(
                                ProtocolJsonError.DuplicateMemberNames,
                                $"Member '{members[i].Name}' appears more than once in one object.");
                        }

                        Write(output, ","u8);
                    }

                    if (!TryWriteString(members[i].Name, output))
                    {
                        throw new ProtocolJsonException(ProtocolJsonError.Malformed, "A member name holds a lone surrogate.");
                    }

                    Write(output, ":"u8);
                    WriteCanonical(members[i].Value, output);
                }

                Write(output, "}"u8);
                break;
            case JsonValueKind.Array:
                Write(output, "["u8);
                var first = true;
                foreach (var item in element.EnumerateArray())
                {
                    if (!first)
                    {
                        Write(output, ","u8);
                    }

                    first = false;
                    WriteCanonical(item, output);
                }

                Write(output, "]"u8);
                break;
            case JsonValueKind.String:
                if (!TryWriteString(element.GetString()!, output))
                {
                    throw new ProtocolJsonException(ProtocolJsonError.Malformed, "A string holds a lone surrogate.");
                }

                break;
            case JsonValueKind.Number:
                if (!element.TryGetInt64(out var number))
                {
                    throw new ProtocolJsonException(
                        ProtocolJsonError.UnsupportedNumber,
                        $"Number {element.GetRawText()} is not a 64-bit integer; the protocol only uses integers.");
                }

                Span<byte> digits = stackalloc byte[24];
                number.TryFormat(digits, out var written, default, System.Globalization.CultureInfo.InvariantCulture);
                Write(output, digits[..written]);
                break;
            case JsonValueKind.True:
                Write(output, "true"u8);
                break;
            case JsonValueKind.False:
                Write(output, "false"u8);
                break;
            default:
                Write(output, "null"u8);
                break;
        }
    }

    private static bool TryWriteString(string value, ArrayBufferWriter<byte> output)
    {
        Write(output, "\""u8);
        Span<byte> scratch = stackalloc byte[6];
        var text = value.AsSpan();
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c >= 0x20 && c != '"' && c != '\\' && !char.IsSurrogate(c))
            {
                continue;
            }

            if (char.IsSurrogate(c))
            {
                if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    i++;
                    continue;
                }

                return false;
            }

            WriteUtf8(output, text[start..i]);
            ReadOnlySpan<byte> escape = c switch
            {
                '"' => "\\\""u8,
                '\\' => "\\\\"u8,
                '\b' => "\\b"u8,
                '\f' => "\\f"u8,
                '\n' => "\\n"u8,
                '\r' => "\\r"u8,
                '\t' => "\\t"u8,
                _ => HexEscape(c, scratch),
            };
            Write(output, escape);
            start = i + 1;
        }

        WriteUtf8(output, text[start..]);
        Write(output, "\""u8);
        return true;
    }

    private static Span<byte> HexEscape(char c, Span<byte> scratch)
    {
        const string Hex = "0123456789abcdef";
        scratch[0] = (byte)'\\';
        scratch[1] = (byte)'u';
        scratch[2] = (byte)'0';
        scratch[3] = (byte)'0';
        scratch[4] = (byte)Hex[(c >> 4) & 0xF];
        scratch[5] = (byte)Hex[c & 0xF];
        return scratch;
    }

    private static void WriteUtf8(ArrayBufferWriter<byte> output, ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return;
        }

        var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        var written = Encoding.UTF8.GetBytes(text, span);
        output.Advance(written);
    }

    private static void Write(ArrayBufferWriter<byte> output, ReadOnlySpan<byte> bytes) => output.Write(bytes);
}

using System.Globalization;
using System.Text;

namespace CloudWg.Protocol.HttpSignatures;

/// <summary>
/// The subset of RFC 8941 structured fields that HTTP message signatures (RFC 9421) and digests (RFC 9530) use:
/// dictionaries whose members are items or inner lists, with parameters; items that are integers, strings, tokens,
/// byte sequences or booleans. Parsing is strict: anything else is a <see cref="FormatException"/>.
/// </summary>
public static class StructuredFields
{
    /// <summary>Parses a dictionary field value (members in order; a repeated key keeps its last value, as RFC 8941 says).</summary>
    public static IReadOnlyDictionary<string, SfMember> ParseDictionary(string value)
    {
        var reader = new Reader(value);
        var result = new Dictionary<string, SfMember>(StringComparer.Ordinal);
        reader.SkipSpaces();
        if (reader.AtEnd)
        {
            return result;
        }

        while (true)
        {
            var key = reader.Key();
            SfMember member;
            if (reader.TryConsume('='))
            {
                member = reader.Peek == '(' ? reader.InnerList() : reader.Item();
            }
            else
            {
                member = new SfMember(true, null, reader.Parameters());
            }

            result[key] = member;
            reader.SkipOptionalWhitespace();
            if (reader.AtEnd)
            {
                return result;
            }

            reader.Expect(',');
            reader.SkipOptionalWhitespace();
            if (reader.AtEnd)
            {
                throw new FormatException("A dictionary must not end with a comma.");
            }
        }
    }

    /// <summary>Parses an item field value (a bare item with parameters).</summary>
    public static SfMember ParseItem(string value)
    {
        var reader = new Reader(value);
        reader.SkipSpaces();
        var item = reader.Item();
        reader.SkipSpaces();
        if (!reader.AtEnd)
        {
            throw new FormatException("Unexpected characters after the item.");
        }

        return item;
    }

    /// <summary>An sf-string: <c>"..."</c> with <c>\</c> escaping <c>"</c> and <c>\</c>; only printable ASCII.</summary>
    public static string SerializeString(string value)
    {
        var sb = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            if (c is < ' ' or > '~')
            {
                throw new ArgumentException("An sf-string holds printable ASCII only.", nameof(value));
            }

            if (c is '"' or '\\')
            {
                sb.Append('\\');
            }

            sb.Append(c);
        }

        return sb.Append('"').ToString();
    }

    /// <summary>An inner list of strings with parameters, e.g. <c>("@method" "@path");created=1;keyid="k"</c>.</summary>
    public static string SerializeInnerList(IEnumerable<string> items, SfParameters parameters)
    {
        var sb = new StringBuilder("(");
        sb.AppendJoin(' ', items.Select(SerializeString)).Append(')');
        foreach (var (key, value) in parameters)
        {
            sb.Append(';').Append(key);
            switch (value)
            {
                case true:
                    break;
                case false:
                    sb.Append("=?0");
                    break;
                case long number:
                    sb.Append('=').Append(number.ToString(CultureInfo.InvariantCulture));
                    break;
                case string text:
                    sb.Append('=').Append(SerializeString(text));
                    break;
                case SfToken token:
                    sb.Append('=').Append(token.Value);
                    break;
                case byte[] bytes:
                    sb.Append('=').Append(SerializeBytes(bytes));
                    break;
                default:
                    throw new ArgumentException($"Parameter '{key}' has a type structured fields cannot carry.", nameof(parameters));
            }
        }

        return sb.ToString();
    }

    /// <summary>An sf-binary: <c>:base64:</c>.</summary>
    public static string SerializeBytes(ReadOnlySpan<byte> value) => ":" + Convert.ToBase64String(value) + ":";

    private ref struct Reader(string text)
    {
        private int position;

        public readonly bool AtEnd => position >= text.Length;

        public readonly char Peek => AtEnd ? '\0' : text[position];

        public void SkipSpaces()
        {
            while (!AtEnd && text[position] == ' ')
            {
                position++;
            }
        }

        public void SkipOptionalWhitespace()
        {
            while (!AtEnd && text[position] is ' ' or '\t')
            {
                position++;
            }
        }

        public bool TryConsume(char c)
        {
            if (!AtEnd && text[position] == c)
            {
                position++;
                return true;
            }

            return false;
        }

        public void Expect(char c)
        {
            if (!TryConsume(c))
            {
                throw new FormatException($"Expected '{c}' at position {position}.");
            }
        }

        public string Key()
        {
            var start = position;
            if (AtEnd || !(char.IsAsciiLetterLower(text[position]) || text[position] == '*'))
            {
                throw new FormatException($"A key must start with a lower-case letter or '*' (position {position}).");
            }

            position++;
            while (!AtEnd && (char.IsAsciiLetterLower(text[position]) || char.IsAsciiDigit(text[position]) || text[position] is '_' or '-' or '.' or '*'))
            {
                position++;
            }

            return text[start..position];
        }

        public SfMember InnerList()
        {
            Expect('(');
            var items = new List<SfItem>();
            while (true)
            {
                SkipSpaces();
                if (TryConsume(')'))
                {
                    return new SfMember(null, items, Parameters());
                }

                var bare = BareItem();
                items.Add(new SfItem(bare, Parameters()));
                if (AtEnd || (Peek != ' ' && Peek != ')'))
                {
                    throw new FormatException($"Inner list items must be separated by spaces (position {position}).");
                }
            }
        }

        public SfMember Item()
        {
            var bare = BareItem();
            return new SfMember(bare, null, Parameters());
        }

        public SfParameters Parameters()
        {
            var parameters = new SfParameters();
            while (TryConsume(';'))
            {
                SkipSpaces();
                var key = Key();
                parameters.Set(key, TryConsume('=') ? BareItem() : true);
            }

            return parameters;
        }

        private object BareItem()
        {
            if (AtEnd)
            {
                throw new FormatException("A value is missing at the end of the field.");
            }

            var c = text[position];
            if (c == '-' || char.IsAsciiDigit(c))
            {
                return Integer();
            }

            if (c == '"')
            {
                return String();
            }

            if (c == ':')
            {
                return Bytes();
            }

            if (c == '?')
            {
                position++;
                if (TryConsume('1'))
                {
                    return true;
                }

                Expect('0');
                return false;
            }

            if (char.IsAsciiLetter(c) || c == '*')
            {
                return Token();
            }

            throw new FormatException($"Unexpected '{c}' at position {position}.");
        }

        private long Integer()
        {
            var start = position;
            TryConsume('-');
            var digits = position;
            while (!AtEnd && char.IsAsciiDigit(text[position]))
            {
                position++;
            }

            if (!AtEnd && text[position] == '.')
            {
                throw new FormatException("Decimals are not used here.");
            }

            if (position == digits || position - digits > 15)
            {
                throw new FormatException($"An integer has 1 to 15 digits (position {start}).");
            }

            return long.Parse(text.AsSpan(start, position - start), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        }

        private string String()
        {
            Expect('"');
            var sb = new StringBuilder();
            while (!AtEnd)
            {
                var c = text[position++];
                if (c == '\\')
                {
                    if (AtEnd || text[position] is not ('"' or '\\'))
                    {
                        throw new FormatException("A string may escape only '\"' and '\\'.");
                    }

                    sb.Append(text[position++]);
                }
                else if (c == '"')
                {
                    return sb.ToString();
                }
                else if (c is < ' ' or > '~')
                {
                    throw new FormatException("A string holds printable ASCII only.");
                }
                else
                {
                    sb.Append(c);
                }
            }

            throw new FormatException("A string is not closed.");
        }

        private SfToken Token()
        {
            var start = position++;
            while (!AtEnd && (char.IsAsciiLetterOrDigit(text[position]) || "!#$%&'*+-.^_`|~:/".Contains(text[position], StringComparison.Ordinal)))
            {
                position++;
            }

            return new SfToken(text[start..position]);
        }

        private byte[] Bytes()
        {
            Expect(':');
            var end = text.IndexOf(':', position);
            if (end < 0)
            {
                throw new FormatException("A byte sequence is not closed.");
            }

            var encoded = text[position..end];
            position = end + 1;
            try
            {
                return Convert.FromBase64String(encoded);
            }
            catch (FormatException)
            {
                throw new FormatException("A byte sequence is not valid base64.");
            }
        }
    }
}


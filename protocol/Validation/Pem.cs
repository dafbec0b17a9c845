using System.Security.Cryptography;

namespace CloudWg.Protocol.Validation;

/// <summary>Shape checks for PEM text in wire messages.</summary>
public static class Pem
{
    /// <summary>Longest PEM block accepted in a wire message.</summary>
    public const int MaxLength = 16 * 1024;

    /// <summary>True when <paramref name="text"/> is exactly one PEM block with <paramref name="label"/> (surrounding whitespace allowed).</summary>
    public static bool LooksLike(string? text, string label)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > MaxLength)
        {
            return false;
        }

        var trimmed = text.AsSpan().Trim();
        return PemEncoding.TryFind(trimmed, out var fields)
            && fields.Location.Start.Value == 0
            && fields.Location.End.Value == trimmed.Length
            && trimmed[fields.Label].SequenceEqual(label);
    }
}

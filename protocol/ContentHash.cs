using System.Security.Cryptography;

namespace CloudWg.Protocol;

/// <summary>Content hashes as they appear on the wire (queue notifications, republish checks).</summary>
public static class ContentHash
{
    /// <summary>Lower-case hex SHA-256 of <paramref name="data"/> (64 characters).</summary>
    public static string Sha256Hex(ReadOnlySpan<byte> data)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(data, hash);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>True when <paramref name="text"/> looks like a <see cref="Sha256Hex"/> result.</summary>
    public static bool IsSha256Hex(string? text)
    {
        if (text is null || text.Length != 64)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c) && c is not (>= 'a' and <= 'f'))
            {
                return false;
            }
        }

        return true;
    }
}

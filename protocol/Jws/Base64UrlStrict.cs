using System.Buffers.Text;

namespace CloudWg.Protocol.Jws;

/// <summary>
/// base64url as JWS requires it (RFC 7515 §2): no padding, URL alphabet, and (our addition) unused trailing bits
/// zero, so that every byte string has exactly one encoding and a signed segment cannot be re-spelled.
/// </summary>
public static class Base64UrlStrict
{
    /// <summary>Encodes without padding.</summary>
    public static string Encode(ReadOnlySpan<byte> data) => Base64Url.EncodeToString(data);

    /// <summary>Decodes <paramref name="text"/> if it is canonical base64url.</summary>
    public static bool TryDecode(ReadOnlySpan<char> text, out byte[] data) => Decode(text, out data) == Base64UrlStatus.Ok;

    internal static Base64UrlStatus Decode(ReadOnlySpan<char> text, out byte[] data)
    {
        data = [];
        var nonCanonical = false;
        foreach (var c in text)
        {
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
            {
                continue;
            }

            if (c is '=' or '+' or '/')
            {
                nonCanonical = true;
                continue;
            }

            return Base64UrlStatus.InvalidCharacter;
        }

        if (nonCanonical)
        {
            return Base64UrlStatus.NonCanonical;
        }

        if (text.Length % 4 == 1)
        {
            return Base64UrlStatus.InvalidLength;
        }

        // The last character carries 2 (length % 4 == 2) or 4 (== 3) unused low bits that must be zero.
        if (text.Length % 4 is 2 or 3)
        {
            var last = SextetOf(text[^1]);
            var unusedMask = text.Length % 4 == 2 ? 0b1111 : 0b11;
            if ((last & unusedMask) != 0)
            {
                return Base64UrlStatus.NonCanonical;
            }
        }

        var buffer = new byte[Base64Url.GetMaxDecodedLength(text.Length)];
        if (!Base64Url.TryDecodeFromChars(text, buffer, out var written))
        {
            return Base64UrlStatus.InvalidCharacter;
        }

        data = written == buffer.Length ? buffer : buffer[..written];
        return Base64UrlStatus.Ok;
    }

    private static int SextetOf(char c) => c switch
    {
        >= 'A' and <= 'Z' => c - 'A',
        >= 'a' and <= 'z' => c - 'a' + 26,
        >= '0' and <= '9' => c - '0' + 52,
        '-' => 62,
        _ => 63,
    };
}

internal enum Base64UrlStatus
{
    Ok,
    InvalidCharacter,
    InvalidLength,
    NonCanonical,
}

using System.Security.Cryptography;

namespace CloudWg.Protocol.HttpSignatures;

/// <summary>The <c>Content-Digest</c> field of RFC 9530, with SHA-256 (the only algorithm CloudWg sends or accepts).</summary>
public static class ContentDigest
{
    public const string HeaderName = "Content-Digest";

    /// <summary><c>sha-256=:base64:</c> of <paramref name="body"/>.</summary>
    public static string Sha256(ReadOnlySpan<byte> body)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(body, hash);
        return "sha-256=" + StructuredFields.SerializeBytes(hash);
    }

    /// <summary>
    /// Whether <paramref name="header"/> carries a <c>sha-256</c> digest equal to that of <paramref name="body"/>;
    /// <paramref name="error"/> says what is wrong otherwise. Other algorithms in the field are ignored.
    /// </summary>
    public static bool Matches(string? header, ReadOnlySpan<byte> body, out string? error)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            error = "the request has a body but no Content-Digest";
            return false;
        }

        IReadOnlyDictionary<string, SfMember> members;
        try
        {
            members = StructuredFields.ParseDictionary(header);
        }
        catch (FormatException e)
        {
            error = "Content-Digest is malformed: " + e.Message;
            return false;
        }

        if (!members.TryGetValue("sha-256", out var member) || member.Value is not byte[] expected)
        {
            error = "Content-Digest has no sha-256 digest";
            return false;
        }

        Span<byte> actual = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(body, actual);
        if (!CryptographicOperations.FixedTimeEquals(actual, expected))
        {
            error = "the body does not match its Content-Digest";
            return false;
        }

        error = null;
        return true;
    }
}

using System.Security.Cryptography;
using System.Text;

namespace CloudWg.Functions.Auth;

/// <summary>
/// Random bearer secrets (session, MFA-step, setup and API tokens) and their storage form. They carry 256 bits of
/// entropy, so a plain SHA-256 is enough: there is nothing to brute-force, unlike a password.
/// </summary>
public static class TokenHashing
{
    public static string NewSecret(int bytes = 32) => Base64Url(RandomNumberGenerator.GetBytes(bytes));

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    public static bool HashEquals(string storedHex, string token) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(storedHex), Encoding.ASCII.GetBytes(Hash(token)));

    public static string Base64Url(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

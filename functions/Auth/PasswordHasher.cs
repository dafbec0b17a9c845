using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace CloudWg.Functions.Auth;

/// <summary>
/// PBKDF2-HMAC-SHA256 password hashes, stored as <c>pbkdf2-sha256$&lt;iterations&gt;$&lt;salt&gt;$&lt;hash&gt;</c>
/// (base64), so parameters can be raised later and old hashes upgraded at the next login.
/// </summary>
/// <remarks>
/// Why PBKDF2 rather than Argon2id: the framework's implementation is native (OpenSSL), FIPS-approved and
/// maintained with the runtime; the only Argon2 package available is a managed implementation that is several
/// times slower than the native code an attacker runs, which hands the attacker the advantage Argon2 is meant to
/// remove, and its per-hash memory (tens of MiB) on a consumption-plan instance turns a login flood into memory
/// exhaustion. 600,000 iterations is OWASP's current recommendation for PBKDF2-SHA256.
/// </remarks>
public sealed class PasswordHasher
{
    public const int MinimumIterations = 600_000;
    private const string Algorithm = "pbkdf2-sha256";
    private const int SaltSize = 16;
    private const int HashSize = 32;
    private readonly int iterations;
    private readonly string dummy;

    public PasswordHasher(IOptions<AuthOptions> options)
    {
        iterations = options.Value.PasswordIterations;
        // Same parameters as a real hash; random bytes stand in for the hash, so nothing matches it and nothing
        // has to be derived up front.
        dummy = string.Create(CultureInfo.InvariantCulture, $"{Algorithm}${iterations}${Convert.ToBase64String(RandomNumberGenerator.GetBytes(SaltSize))}${Convert.ToBase64String(RandomNumberGenerator.GetBytes(HashSize))}");
    }

    public string Hash(string password) => Hash(password, iterations);

    /// <summary>Hash with explicit parameters; tests use it to store an old-parameter hash.</summary>
    public static string Hash(string password, int iterations)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltSize);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, HashSize);
        return string.Create(CultureInfo.InvariantCulture, $"{Algorithm}${iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}");
    }

    /// <summary>Whether <paramref name="password"/> matches; <paramref name="needsRehash"/> when the stored parameters are weaker than today's.</summary>
    public bool Verify(string password, string stored, out bool needsRehash)
    {
        needsRehash = false;
        var parts = stored.Split('$');
        if (parts.Length != 4 || parts[0] != Algorithm
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var storedIterations) || storedIterations < 1
            || !TryBase64(parts[2], out var salt) || !TryBase64(parts[3], out var expected) || expected.Length == 0)
        {
            return false;
        }

        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, storedIterations, HashAlgorithmName.SHA256, expected.Length);
        var ok = CryptographicOperations.FixedTimeEquals(actual, expected);
        needsRehash = ok && (storedIterations < iterations || expected.Length != HashSize || salt.Length != SaltSize);
        return ok;
    }

    /// <summary>Does the same work as a real verification, so an unknown user costs the same time as a wrong password.</summary>
    public void VerifyDummy(string password) => Verify(password, dummy, out _);

    private static bool TryBase64(string value, out byte[] bytes)
    {
        bytes = new byte[value.Length];
        if (Convert.TryFromBase64String(value, bytes, out var written))
        {
            bytes = bytes[..written];
            return true;
        }

        return false;
    }
}

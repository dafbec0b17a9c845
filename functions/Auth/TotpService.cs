using System.Security.Cryptography;
using System.Text;
using OtpNet;
using QRCoder;

namespace CloudWg.Functions.Auth;

/// <summary>RFC 6238 TOTP (SHA-1, 6 digits, 30 s, ±1 step), seeds encrypted at rest, and recovery codes.</summary>
public sealed class TotpService(SecretProtector protector, TimeProvider time)
{
    public const string Issuer = "CloudWg";
    public const int RecoveryCodeCount = 10;
    private const string RecoveryAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    public static byte[] NewSecret() => KeyGeneration.GenerateRandomKey(20);

    /// <summary>The cipher for seeds; fetch it before an update callback (it may call Key Vault the first time).</summary>
    public ValueTask<SecretCipher> CipherAsync(CancellationToken cancellationToken) => protector.CipherAsync(cancellationToken);

    public static string Protect(SecretCipher cipher, string adminId, byte[] secret) => cipher.Protect(secret, Purpose(adminId));

    public static byte[]? Unprotect(SecretCipher cipher, string adminId, string? protectedSecret) =>
        protectedSecret is null ? null : cipher.Unprotect(protectedSecret, Purpose(adminId));

    /// <summary>The time step <paramref name="code"/> matches (now ±1 step), or null.</summary>
    public long? Verify(byte[] secret, string code)
    {
        code = code.Trim().Replace(" ", "", StringComparison.Ordinal);
        if (code.Length != 6 || !code.All(char.IsAsciiDigit))
        {
            return null;
        }

        var totp = new Totp(secret);
        return totp.VerifyTotp(time.GetUtcNow().UtcDateTime, code, out var step, new VerificationWindow(previous: 1, future: 1)) ? step : null;
    }

    /// <summary>The code for now; tests use it like an authenticator app would.</summary>
    public static string Code(byte[] secret, DateTimeOffset at) => new Totp(secret).ComputeTotp(at.UtcDateTime);

    public static string Base32(byte[] secret) => Base32Encoding.ToString(secret).TrimEnd('=');

    public static string OtpauthUri(string username, byte[] secret) =>
        new OtpUri(OtpType.Totp, Base32(secret), username, Issuer).ToString();

    /// <summary>An SVG QR code of the otpauth URI, for clients that would rather not render one.</summary>
    public static string QrSvg(string uri)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(uri, QRCodeGenerator.ECCLevel.M);
        return new SvgQRCode(data).GetGraphic(4);
    }

    /// <summary>Ten codes of 16 characters (80 bits each) as <c>XXXX-XXXX-XXXX-XXXX</c>.</summary>
    public static IReadOnlyList<string> NewRecoveryCodes() =>
        Enumerable.Range(0, RecoveryCodeCount).Select(_ =>
        {
            var chars = RandomNumberGenerator.GetString(RecoveryAlphabet, 16);
            return $"{chars[..4]}-{chars[4..8]}-{chars[8..12]}-{chars[12..]}";
        }).ToList();

    /// <summary>
    /// Storage form of a recovery code. 80 random bits need no slow KDF; the admin id salts it so equal codes of
    /// two admins never share a hash.
    /// </summary>
    public static string HashRecoveryCode(string adminId, string code)
    {
        var normalized = new string(code.Where(char.IsAsciiLetterOrDigit).Select(char.ToUpperInvariant).ToArray());
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"cloudwg-recovery:{adminId}:{normalized}")));
    }

    public static bool LooksLikeRecoveryCode(string code) => code.Count(char.IsAsciiLetterOrDigit) == 16;

    private static string Purpose(string adminId) => $"cloudwg-totp:{adminId}";
}

using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using CloudWg.Protocol.Json;
using CloudWg.Protocol.Validation;

namespace CloudWg.Protocol.Jws;

/// <summary>A pinned EC P-256 public key as a JSON Web Key (RFC 7517): <c>{kty:"EC", crv:"P-256", x, y, kid}</c>.</summary>
/// <param name="X">base64url (no padding) of the 32-byte X coordinate.</param>
/// <param name="Y">base64url (no padding) of the 32-byte Y coordinate.</param>
public sealed record Jwk(string Kty, string Crv, string X, string Y, string Kid)
{
    /// <summary>The only key type CloudWg pins.</summary>
    public const string EcKeyType = "EC";

    /// <summary>The only curve CloudWg pins.</summary>
    public const string P256 = "P-256";

    /// <summary>The public half of a P-256 key.</summary>
    /// <exception cref="ArgumentException">The key is not on P-256.</exception>
    public static Jwk FromECDsa(ECDsa key, string kid)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentException.ThrowIfNullOrEmpty(kid);
        var parameters = key.ExportParameters(includePrivateParameters: false);
        if (!IsP256(parameters.Curve) || parameters.Q.X is not { Length: 32 } x || parameters.Q.Y is not { Length: 32 } y)
        {
            throw new ArgumentException("Only EC P-256 keys can be pinned.", nameof(key));
        }

        return new Jwk(EcKeyType, P256, Base64UrlStrict.Encode(x), Base64UrlStrict.Encode(y), kid);
    }

    /// <summary>
    /// The public key of an EC P-256 certificate, e.g. a node's TLS certificate for verifying its reports.
    /// </summary>
    /// <param name="kid">Null for the key's RFC 7638 thumbprint, which is what <see cref="EcdsaJwsSigner"/> uses by default.</param>
    /// <exception cref="ArgumentException">The certificate's key is not EC P-256.</exception>
    public static Jwk FromCertificate(X509Certificate2 certificate, string? kid = null)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        using var key = certificate.GetECDsaPublicKey()
            ?? throw new ArgumentException("The certificate's key is not an EC key.", nameof(certificate));
        var jwk = FromECDsa(key, kid ?? "-");
        return kid is null ? jwk with { Kid = jwk.Thumbprint() } : jwk;
    }

    /// <summary>A verifying key for this JWK.</summary>
    /// <exception cref="CryptographicException">The JWK is not a valid P-256 public key.</exception>
    public ECDsa ToECDsa()
    {
        if (!TryGetCoordinates(out var x, out var y) || Kty != EcKeyType || Crv != P256)
        {
            throw new CryptographicException($"JWK '{Kid}' is not an EC P-256 public key.");
        }

        var key = ECDsa.Create();
        try
        {
            key.ImportParameters(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = x, Y = y } });
            return key;
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>RFC 7638 thumbprint (base64url SHA-256 of the required members); a good default <c>kid</c>.</summary>
    public string Thumbprint() => ThumbprintOf(Crv, X, Y);

    /// <summary>RFC 7638 thumbprint of <paramref name="key"/>'s public half.</summary>
    public static string Thumbprint(ECDsa key) => FromECDsa(key, "-").Thumbprint();

    /// <summary>Problems with this JWK; empty when it is a usable P-256 key. <paramref name="path"/> prefixes each path.</summary>
    public IReadOnlyList<ValidationError> Validate(string path = "")
    {
        var errors = new List<ValidationError>();
        var prefix = path.Length == 0 ? string.Empty : path + ".";
        if (Kty != EcKeyType)
        {
            errors.Add(new ValidationError(prefix + "kty", "must be \"EC\"."));
        }

        if (Crv != P256)
        {
            errors.Add(new ValidationError(prefix + "crv", "must be \"P-256\"."));
        }

        if (!KeyIds.IsValid(Kid))
        {
            errors.Add(new ValidationError(prefix + "kid", KeyIds.Rule));
        }

        if (!Base64UrlStrict.TryDecode(X, out var x) || x.Length != 32)
        {
            errors.Add(new ValidationError(prefix + "x", "must be the 32-byte X coordinate in base64url without padding."));
        }
        else if (!Base64UrlStrict.TryDecode(Y, out var y) || y.Length != 32)
        {
            errors.Add(new ValidationError(prefix + "y", "must be the 32-byte Y coordinate in base64url without padding."));
        }
        else if (errors.Count == 0)
        {
            try
            {
                using var key = ToECDsa();
            }
            catch (CryptographicException)
            {
                errors.Add(new ValidationError(prefix + "x", "x and y are not a point on P-256."));
            }
        }

        return errors;
    }

    private bool TryGetCoordinates(out byte[] x, out byte[] y)
    {
        y = [];
        return Base64UrlStrict.TryDecode(X ?? string.Empty, out x) && x.Length == 32
            && Base64UrlStrict.TryDecode(Y ?? string.Empty, out y) && y.Length == 32;
    }

    private static string ThumbprintOf(string crv, string x, string y)
    {
        // RFC 7638: the required members in lexicographic order, no whitespace.
        var json = "{\"crv\":" + Encoding.UTF8.GetString(CanonicalJson.EncodeString(crv))
            + ",\"kty\":\"EC\",\"x\":" + Encoding.UTF8.GetString(CanonicalJson.EncodeString(x))
            + ",\"y\":" + Encoding.UTF8.GetString(CanonicalJson.EncodeString(y)) + "}";
        return Base64UrlStrict.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(json)));
    }

    internal static bool IsP256(ECCurve curve) =>
        curve.IsNamed && (curve.Oid.Value == ECCurve.NamedCurves.nistP256.Oid.Value
            || string.Equals(curve.Oid.FriendlyName, "nistP256", StringComparison.OrdinalIgnoreCase)
            || string.Equals(curve.Oid.FriendlyName, "ECDSA_P256", StringComparison.OrdinalIgnoreCase));
}

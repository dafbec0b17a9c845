using System.Security.Cryptography;
using System.Text;

namespace CloudWg.Functions.Pki;

/// <summary>RFC 7638 thumbprint of an EC P-256 public key (base64url SHA-256 of the canonical JWK): the <c>kid</c> of signing keys.</summary>
public static class JwkThumbprint
{
    public static string Compute(ECParameters publicKey)
    {
        var x = System.Buffers.Text.Base64Url.EncodeToString(publicKey.Q.X);
        var y = System.Buffers.Text.Base64Url.EncodeToString(publicKey.Q.Y);
        var canonical = $"{{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"{x}\",\"y\":\"{y}\"}}";
        return System.Buffers.Text.Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }
}

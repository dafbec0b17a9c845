using System.Security.Cryptography;

namespace CloudWg.Functions.Pki;

/// <summary>A config-signing public key as trust bundles publish it.</summary>
/// <param name="KeyId">The JWS <c>kid</c> (RFC 7638 thumbprint).</param>
/// <param name="Status"><c>current</c> (signs now) or <c>next</c> (published ahead of a rotation, see ROTATION.md).</param>
public sealed record ConfigSigningKey(string KeyId, ECParameters PublicKey, string Status)
{
    public const string Current = "current";
    public const string Next = "next";
}

using CloudWg.Protocol.Jws;

namespace CloudWg.Functions.Pki;

/// <summary>A config-signing public key as trust bundles publish it.</summary>
/// <param name="PublicKey">The JWK; its <c>kid</c> is the RFC 7638 thumbprint, as the signers use.</param>
/// <param name="Status"><c>current</c> (signs now), <c>next</c> (published ahead of a rotation) or <c>previous</c> (kept while documents it signed are replaced); see ROTATION.md.</param>
public sealed record ConfigSigningKey(Jwk PublicKey, string Status)
{
    public const string Current = "current";
    public const string Next = "next";
    public const string Previous = "previous";
}

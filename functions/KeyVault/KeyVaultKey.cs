using System.Security.Cryptography;
using CloudWg.Protocol.Jws;

namespace CloudWg.Functions.KeyVault;

/// <summary>A Key Vault EC key version: its identifier (kid URL) and public parameters.</summary>
public sealed record KeyVaultKey(Uri Id, ECParameters PublicKey)
{
    public ECDsa ToECDsa() => ECDsa.Create(PublicKey);

    /// <summary>The public key as a JWK whose kid is its RFC 7638 thumbprint.</summary>
    public Jwk ToJwk()
    {
        using var key = ToECDsa();
        return Jwk.FromECDsa(key, Jwk.Thumbprint(key));
    }
}

using System.Security.Cryptography;

namespace CloudWg.Functions.KeyVault;

/// <summary>A Key Vault EC key version: its identifier (kid URL) and public parameters.</summary>
public sealed record KeyVaultKey(Uri Id, ECParameters PublicKey)
{
    public ECDsa ToECDsa() => ECDsa.Create(PublicKey);
}

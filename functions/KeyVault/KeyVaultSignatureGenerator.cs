using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CloudWg.Functions.KeyVault;

/// <summary>
/// Signs X.509 certificates with a non-exportable Key Vault EC P-256 key: the TBS bytes are hashed here and only the
/// digest goes to Key Vault's <c>sign</c>; the r‖s answer is converted to DER.
/// </summary>
public sealed class KeyVaultSignatureGenerator(KeyVaultRestClient client, Uri keyId, PublicKey publicKey) : X509SignatureGenerator
{
    // AlgorithmIdentifier ::= SEQUENCE { ecdsa-with-SHA256 (1.2.840.10045.4.3.2) } with absent parameters (RFC 5758 §3.2).
    private static readonly byte[] EcdsaWithSha256 = [0x30, 0x0A, 0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x02];

    public Uri KeyId { get; } = keyId;

    public override byte[] GetSignatureAlgorithmIdentifier(HashAlgorithmName hashAlgorithm) =>
        hashAlgorithm == HashAlgorithmName.SHA256
            ? (byte[])EcdsaWithSha256.Clone()
            : throw new ArgumentOutOfRangeException(nameof(hashAlgorithm), "Key Vault ES256 signs SHA-256 only.");

    public override byte[] SignData(byte[] data, HashAlgorithmName hashAlgorithm)
    {
        if (hashAlgorithm != HashAlgorithmName.SHA256)
        {
            throw new ArgumentOutOfRangeException(nameof(hashAlgorithm), "Key Vault ES256 signs SHA-256 only.");
        }

        // X509SignatureGenerator is synchronous; the pipeline's synchronous path avoids sync-over-async.
        return EcdsaSignatures.ToDer(client.Sign(KeyId, SHA256.HashData(data)));
    }

    protected override PublicKey BuildPublicKey() => publicKey;
}

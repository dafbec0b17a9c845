using System.Security.Cryptography;

namespace CloudWg.Functions.KeyVault;

/// <summary>
/// ES256 config signing with a non-exportable Key Vault key: SHA-256 here, <c>sign</c> in Key Vault, r‖s back.
/// <see cref="KeyId"/> is the RFC 7638 thumbprint of the public key, the same kid the trust bundle publishes.
/// </summary>
public sealed class KeyVaultJwsSigner(KeyVaultRestClient client, KeyVaultKey key)
{
    public string KeyId { get; } = CloudWg.Functions.Pki.JwkThumbprint.Compute(key.PublicKey);

    public KeyVaultKey Key { get; } = key;

    public async ValueTask<byte[]> SignAsync(ReadOnlyMemory<byte> signingInput, CancellationToken ct = default) =>
        await client.SignAsync(Key.Id, SHA256.HashData(signingInput.Span), ct).ConfigureAwait(false);
}

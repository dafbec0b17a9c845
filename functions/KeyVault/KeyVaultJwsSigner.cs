using System.Security.Cryptography;
using CloudWg.Protocol.Jws;

namespace CloudWg.Functions.KeyVault;

/// <summary>
/// ES256 config signing with a non-exportable Key Vault key: SHA-256 here, <c>sign</c> in Key Vault, r‖s back.
/// <see cref="KeyId"/> is the RFC 7638 thumbprint of the public key, the kid the trust bundle publishes.
/// </summary>
public sealed class KeyVaultJwsSigner(KeyVaultRestClient client, KeyVaultKey key) : IJwsSigner
{
    public string KeyId { get; } = key.ToJwk().Kid;

    public KeyVaultKey Key { get; } = key;

    /// <summary>A signer for the current version of key <paramref name="name"/>, created (EC P-256, non-exportable) if missing.</summary>
    public static async Task<KeyVaultJwsSigner> CreateAsync(KeyVaultRestClient client, string name, CancellationToken cancellationToken = default)
    {
        var key = await client.GetKeyAsync(name, cancellationToken).ConfigureAwait(false)
            ?? await client.CreateEcKeyAsync(name, cancellationToken).ConfigureAwait(false);
        return new KeyVaultJwsSigner(client, key);
    }

    public async ValueTask<byte[]> SignAsync(ReadOnlyMemory<byte> signingInput, CancellationToken ct = default) =>
        await client.SignAsync(Key.Id, SHA256.HashData(signingInput.Span), ct).ConfigureAwait(false);
}

namespace CloudWg.Functions.Auth;

/// <summary>
/// Encrypts small secrets that must be recoverable (TOTP seeds) with AES-256-GCM before they reach storage, so a
/// copy of the storage account alone cannot mint codes. The ciphertext is bound to its owner through the
/// associated data, so moving it to another admin's row fails to decrypt.
/// </summary>
/// <remarks>
/// Chosen over ASP.NET Data Protection because its key ring would itself need shared, protected storage across
/// stateless instances. The key comes from an <see cref="IDataKeySource"/>: a local file or setting on one machine,
/// a Key Vault-wrapped data key in Azure (<see cref="KeyVaultDataKeySource"/>). Getting it may call Key Vault, so
/// callers fetch a <see cref="SecretCipher"/> once, then encrypt and decrypt synchronously (inside optimistic
/// update callbacks, for instance).
/// </remarks>
public sealed class SecretProtector(IDataKeySource keys)
{
    public async ValueTask<SecretCipher> CipherAsync(CancellationToken cancellationToken) =>
        new(await keys.GetAsync(cancellationToken).ConfigureAwait(false));
}

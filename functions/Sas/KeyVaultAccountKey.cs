using Azure.Storage;
using CloudWg.Functions.KeyVault;

namespace CloudWg.Functions.Sas;

/// <summary>
/// The account key read through the app's identity from a Key Vault secret, cached for a few minutes so a key
/// rotation (update the secret) takes effect without a restart.
/// </summary>
public sealed class KeyVaultAccountKey(KeyVaultRestClient client, string accountName, string secretName, TimeProvider time) : IStorageAccountKey
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(5);
    private (StorageSharedKeyCredential Credential, DateTimeOffset ReadAt)? cached;

    public async Task<StorageSharedKeyCredential> GetAsync(CancellationToken cancellationToken = default)
    {
        if (cached is { } entry && time.GetUtcNow() - entry.ReadAt < CacheFor)
        {
            return entry.Credential;
        }

        var key = await client.GetSecretAsync(secretName, cancellationToken).ConfigureAwait(false);
        var credential = new StorageSharedKeyCredential(accountName, key);
        cached = (credential, time.GetUtcNow());
        return credential;
    }
}

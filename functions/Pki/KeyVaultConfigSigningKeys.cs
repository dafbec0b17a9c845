using CloudWg.Functions.KeyVault;

namespace CloudWg.Functions.Pki;

/// <summary>Config-signing keys in Key Vault: the current key (created on first use) and the configured next key.</summary>
public sealed class KeyVaultConfigSigningKeys(KeyVaultRestClient client, KeyVaultOptions options) : IConfigSigningKeys
{
    public async Task<IReadOnlyList<ConfigSigningKey>> GetPublishedAsync(CancellationToken cancellationToken = default)
    {
        var current = await client.GetKeyAsync(options.ConfigSigningKeyName, cancellationToken).ConfigureAwait(false)
            ?? await client.CreateEcKeyAsync(options.ConfigSigningKeyName, cancellationToken).ConfigureAwait(false);
        var keys = new List<ConfigSigningKey> { new(current.ToJwk(), ConfigSigningKey.Current) };
        if (!string.IsNullOrWhiteSpace(options.NextConfigSigningKeyName)
            && await client.GetKeyAsync(options.NextConfigSigningKeyName, cancellationToken).ConfigureAwait(false) is { } next)
        {
            keys.Add(new(next.ToJwk(), ConfigSigningKey.Next));
        }

        return keys;
    }
}

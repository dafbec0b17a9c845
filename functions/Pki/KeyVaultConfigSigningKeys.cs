using CloudWg.Functions.KeyVault;

namespace CloudWg.Functions.Pki;

/// <summary>Config-signing keys in Key Vault: the current key (created on first use) and the configured next and previous keys.</summary>
public sealed class KeyVaultConfigSigningKeys(KeyVaultRestClient client, KeyVaultOptions options) : IConfigSigningKeys
{
    public async Task<IReadOnlyList<ConfigSigningKey>> GetPublishedAsync(CancellationToken cancellationToken = default)
    {
        var current = await client.GetKeyAsync(options.ConfigSigningKeyName, cancellationToken).ConfigureAwait(false)
            ?? await client.CreateEcKeyAsync(options.ConfigSigningKeyName, cancellationToken).ConfigureAwait(false);
        var keys = new List<ConfigSigningKey> { new(current.ToJwk(), ConfigSigningKey.Current) };
        foreach (var (name, status) in new[] { (options.NextConfigSigningKeyName, ConfigSigningKey.Next), (options.PreviousConfigSigningKeyName, ConfigSigningKey.Previous) })
        {
            if (!string.IsNullOrWhiteSpace(name) && await client.GetKeyAsync(name, cancellationToken).ConfigureAwait(false) is { } key)
            {
                keys.Add(new(key.ToJwk(), status));
            }
        }

        return keys;
    }
}

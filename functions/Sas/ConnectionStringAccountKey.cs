using Azure.Storage;

namespace CloudWg.Functions.Sas;

/// <summary>The account key inside a connection string: the local (Azurite) case.</summary>
public sealed class ConnectionStringAccountKey(string connectionString) : IStorageAccountKey
{
    private readonly StorageSharedKeyCredential credential = Parse(connectionString);

    public Task<StorageSharedKeyCredential> GetAsync(CancellationToken cancellationToken = default) => Task.FromResult(credential);

    private static StorageSharedKeyCredential Parse(string connectionString)
    {
        string? name = null, key = null;
        foreach (var part in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                continue;
            }

            var (k, v) = (part[..equals], part[(equals + 1)..]);
            if (k.Equals("AccountName", StringComparison.OrdinalIgnoreCase))
            {
                name = v;
            }
            else if (k.Equals("AccountKey", StringComparison.OrdinalIgnoreCase))
            {
                key = v;
            }
        }

        return name is null || key is null
            ? throw new InvalidOperationException("The storage connection string has no AccountName/AccountKey, so node SAS cannot be signed.")
            : new StorageSharedKeyCredential(name, key);
    }
}

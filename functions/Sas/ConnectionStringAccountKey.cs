using Azure.Storage;

namespace CloudWg.Functions.Sas;

/// <summary>The account key inside a connection string: the local (Azurite) case.</summary>
public sealed class ConnectionStringAccountKey(string connectionString) : IStorageAccountKey
{
    private readonly StorageSharedKeyCredential credential = Parse(connectionString);

    public Task<StorageSharedKeyCredential> GetAsync(CancellationToken cancellationToken = default) => Task.FromResult(credential);

    /// <summary>The emulator's published development account (what <c>UseDevelopmentStorage=true</c> means).</summary>
    private const string DevelopmentAccount = "devstoreaccount1";
    private const string DevelopmentKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static StorageSharedKeyCredential Parse(string connectionString)
    {
        string? name = null, key = null;
        if (connectionString.Contains("UseDevelopmentStorage=true", StringComparison.OrdinalIgnoreCase))
        {
            return new StorageSharedKeyCredential(DevelopmentAccount, DevelopmentKey);
        }

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

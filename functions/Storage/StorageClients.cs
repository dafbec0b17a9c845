using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace CloudWg.Functions.Storage;

/// <summary>The three storage service clients, built once from <see cref="StorageOptions"/>.</summary>
public sealed class StorageClients
{
    public StorageClients(StorageOptions options, TokenCredential? credential = null)
    {
        Names = new StorageNames(options.Prefix);
        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            Tables = new TableServiceClient(options.ConnectionString);
            Queues = new QueueServiceClient(options.ConnectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None });
            Blobs = new BlobServiceClient(options.ConnectionString);
            return;
        }

        if (credential is null)
        {
            throw new InvalidOperationException("Identity-based storage needs a token credential.");
        }

        var account = options.AccountName;
        var tableUri = options.TableServiceUri ?? ServiceUri(account, "table");
        var queueUri = options.QueueServiceUri ?? ServiceUri(account, "queue");
        var blobUri = options.BlobServiceUri ?? ServiceUri(account, "blob");
        Tables = new TableServiceClient(tableUri, credential);
        Queues = new QueueServiceClient(queueUri, credential, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None });
        Blobs = new BlobServiceClient(blobUri, credential);
    }

    public StorageNames Names { get; }

    public TableServiceClient Tables { get; }

    public QueueServiceClient Queues { get; }

    public BlobServiceClient Blobs { get; }

    public TableClient Table(string name) => Tables.GetTableClient(Names.Table(name));

    private static Uri ServiceUri(string? account, string service) => string.IsNullOrWhiteSpace(account)
        ? throw new InvalidOperationException("Storage is not configured: set AzureWebJobsStorage (a connection string) or AzureWebJobsStorage__accountName.")
        : new Uri($"https://{account}.{service}.core.windows.net");
}

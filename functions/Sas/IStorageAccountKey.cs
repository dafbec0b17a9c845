using Azure.Storage;

namespace CloudWg.Functions.Sas;

/// <summary>The storage account's shared key, which signs service SAS.</summary>
public interface IStorageAccountKey
{
    Task<StorageSharedKeyCredential> GetAsync(CancellationToken cancellationToken = default);
}

using Azure;
using Azure.Data.Tables;
using CloudWg.Functions.Storage;

namespace CloudWg.Functions.Pki;

/// <summary>
/// <see cref="ICaCreationLock"/> as an entity in the <c>certificates</c> table: taken by an insert (which fails on
/// conflict), released by delete, and taken over once expired so a crashed holder cannot block start-up forever.
/// The partition key <c>~pki</c> cannot collide with a node id.
/// </summary>
public sealed class TableCaCreationLock(StorageClients storage, TimeProvider time) : ICaCreationLock
{
    private const string PartitionKey = "~pki";
    private const string RowKey = "ca-creation-lock";
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    private TableClient Table => storage.Table("certificates");

    public async Task<IAsyncDisposable?> TryAcquireAsync(CancellationToken cancellationToken = default)
    {
        for (var attempt = 0; attempt < 2; attempt++)
        {
            try
            {
                var response = await Table.AddEntityAsync(new TableEntity(PartitionKey, RowKey) { ["ExpiresAt"] = time.GetUtcNow() + Lifetime }, cancellationToken).ConfigureAwait(false);
                return new Held(Table, response.Headers.ETag ?? ETag.All);
            }
            catch (RequestFailedException e) when (e.Status == 404 && e.ErrorCode == "TableNotFound" && attempt == 0)
            {
                // The CA is wanted (say, by the HTTPS listener binding at start-up) before StorageInitializer has
                // created the tables on a fresh account: create this one and try again.
                await Table.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException e) when (e.Status == 409)
            {
                var existing = await Table.GetEntityIfExistsAsync<TableEntity>(PartitionKey, RowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
                if (existing.HasValue && existing.Value!.GetDateTimeOffset("ExpiresAt") is { } expiresAt && expiresAt > time.GetUtcNow())
                {
                    return null;
                }

                if (existing.HasValue)
                {
                    await DeleteQuietlyAsync(Table, existing.Value!.ETag, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        return null;
    }

    private static async Task DeleteQuietlyAsync(TableClient table, ETag etag, CancellationToken cancellationToken)
    {
        try
        {
            await table.DeleteEntityAsync(PartitionKey, RowKey, etag, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            // Someone else took it over or released it meanwhile.
        }
    }

    private sealed class Held(TableClient table, ETag etag) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await DeleteQuietlyAsync(table, etag, CancellationToken.None).ConfigureAwait(false);
    }
}

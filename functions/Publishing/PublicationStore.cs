using Azure;
using Azure.Data.Tables;
using CloudWg.Functions.Storage;

namespace CloudWg.Functions.Publishing;

/// <summary>
/// The publication row of a node: <c>nodes</c> table, partition = node id, row key <see cref="RowKey"/>. Versions
/// are allocated by an ETag compare-and-swap on it, so instances never hand out the same version twice.
/// </summary>
public sealed class PublicationStore(StorageClients storage)
{
    public const string RowKey = "publication";

    private readonly TableClient table = storage.Table("nodes");

    public async Task<Publication?> GetAsync(string nodeId, CancellationToken cancellationToken)
    {
        var response = await table.GetEntityIfExistsAsync<TableEntity>(nodeId, RowKey, cancellationToken: cancellationToken);
        return response.HasValue ? ToModel(response.Value!) : null;
    }

    /// <summary>Takes the next version for the node: every caller gets a distinct, increasing number.</summary>
    public async Task<long> AllocateVersionAsync(string nodeId, CancellationToken cancellationToken)
    {
        while (true)
        {
            var response = await table.GetEntityIfExistsAsync<TableEntity>(nodeId, RowKey, cancellationToken: cancellationToken);
            try
            {
                if (!response.HasValue)
                {
                    await table.AddEntityAsync(new TableEntity(nodeId, RowKey) { ["Version"] = 1L, ["PublishedVersion"] = 0L }, cancellationToken);
                    return 1;
                }

                var entity = response.Value!;
                var next = (entity.GetInt64("Version") ?? 0) + 1;
                var update = new TableEntity(nodeId, RowKey) { ["Version"] = next };
                await table.UpdateEntityAsync(update, entity.ETag, TableUpdateMode.Merge, cancellationToken);
                return next;
            }
            catch (RequestFailedException e) when (e.Status is StatusCodes.Status409Conflict or StatusCodes.Status412PreconditionFailed)
            {
                // Another instance took a version first: read again and take the next one.
            }
        }
    }

    /// <summary>Records that <paramref name="version"/> is in the blob, unless a higher version already is.</summary>
    public async Task RecordPublishedAsync(string nodeId, long version, string sha256, string configHash, DateTimeOffset at, CancellationToken cancellationToken)
    {
        while (true)
        {
            var response = await table.GetEntityIfExistsAsync<TableEntity>(nodeId, RowKey, cancellationToken: cancellationToken);
            if (!response.HasValue || (response.Value!.GetInt64("PublishedVersion") ?? 0) >= version)
            {
                return;
            }

            var update = new TableEntity(nodeId, RowKey)
            {
                ["PublishedVersion"] = version,
                ["PublishedSha256"] = sha256,
                ["ConfigHash"] = configHash,
                ["PublishedAt"] = at,
            };
            try
            {
                await table.UpdateEntityAsync(update, response.Value.ETag, TableUpdateMode.Merge, cancellationToken);
                return;
            }
            catch (RequestFailedException e) when (e.Status is StatusCodes.Status412PreconditionFailed or StatusCodes.Status404NotFound)
            {
                // Changed meanwhile (a version was taken, or another publish recorded): check again.
            }
        }
    }

    public async Task DeleteAsync(string nodeId, CancellationToken cancellationToken)
    {
        try
        {
            await table.DeleteEntityAsync(nodeId, RowKey, ETag.All, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == StatusCodes.Status404NotFound)
        {
        }
    }

    private static Publication ToModel(TableEntity e) => new(
        e.GetInt64("Version") ?? 0,
        e.GetInt64("PublishedVersion") ?? 0,
        e.GetString("PublishedSha256"),
        e.GetString("ConfigHash"),
        e.GetDateTimeOffset("PublishedAt"));
}

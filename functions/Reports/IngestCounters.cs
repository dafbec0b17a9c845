using Azure;
using Azure.Data.Tables;
using CloudWg.Functions.Storage;

namespace CloudWg.Functions.Reports;

/// <summary>
/// Fleet-wide counts of rejected reports by reason (row <c>_ingest/rejections</c> of the <c>nodes</c> table), so
/// that forged or broken reports are visible to operators, not only in logs.
/// </summary>
public sealed class IngestCounters(StorageClients storage)
{
    private const string Partition = "_ingest";
    private const string Row = "rejections";
    private readonly TableClient table = storage.Table("nodes");

    public async Task IncrementAsync(ReportRejection reason, CancellationToken cancellationToken)
    {
        var column = reason.ToString();
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var existing = await table.GetEntityIfExistsAsync<TableEntity>(Partition, Row, cancellationToken: cancellationToken);
            try
            {
                if (existing.HasValue)
                {
                    var row = existing.Value!;
                    row[column] = (row.GetInt64(column) ?? 0) + 1;
                    await table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, cancellationToken);
                }
                else
                {
                    await table.AddEntityAsync(new TableEntity(Partition, Row) { [column] = 1L }, cancellationToken);
                }

                return;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                // Another instance counted at the same moment; read again.
            }
        }
    }

    public async Task<IReadOnlyDictionary<string, long>> ReadAsync(CancellationToken cancellationToken)
    {
        var existing = await table.GetEntityIfExistsAsync<TableEntity>(Partition, Row, cancellationToken: cancellationToken);
        var counts = Enum.GetNames<ReportRejection>().ToDictionary(n => n, _ => 0L);
        if (existing.HasValue)
        {
            foreach (var name in counts.Keys.ToList())
            {
                counts[name] = existing.Value!.GetInt64(name) ?? 0;
            }
        }

        return counts;
    }
}

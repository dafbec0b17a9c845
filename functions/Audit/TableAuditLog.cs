using System.Globalization;
using Azure.Data.Tables;
using CloudWg.Functions.Storage;

namespace CloudWg.Functions.Audit;

/// <summary>
/// One partition per UTC month; the row key is the inverted timestamp plus a random suffix, so a partition
/// query returns newest first and concurrent instances never collide.
/// </summary>
public sealed class TableAuditLog(StorageClients storage, TimeProvider time) : IAuditLog
{
    private static readonly DateTimeOffset Epoch = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly TableClient table = storage.Table("audit");

    public async Task RecordAsync(AuditEvent entry, CancellationToken cancellationToken = default)
    {
        var at = time.GetUtcNow();
        var entity = new TableEntity(PartitionFor(at), RowKeyFor(at))
        {
            ["At"] = at,
            ["Actor"] = entry.Actor,
            ["Action"] = entry.Action,
            ["Outcome"] = entry.Outcome,
            ["ResourceType"] = entry.ResourceType,
            ["ResourceId"] = entry.ResourceId,
            ["NodeId"] = entry.NodeId,
            ["ClientAddress"] = entry.ClientAddress,
            ["VersionBefore"] = entry.VersionBefore,
            ["VersionAfter"] = entry.VersionAfter,
            ["Detail"] = entry.Detail,
        };
        await table.AddEntityAsync(entity, cancellationToken);
    }

    public async Task<AuditPage> ListAsync(int pageSize, string? continuation, AuditFilter? filter = null, CancellationToken cancellationToken = default)
    {
        pageSize = Math.Clamp(pageSize, 1, 500);
        // Continuation: "<partition>|<last row key>"; walk months backwards from the newest.
        var now = time.GetUtcNow();
        string partition;
        string? afterRow = null;
        if (continuation is { Length: > 0 } && continuation.Split('|') is [var p, var r] && p.Length == 6 && p.All(char.IsAsciiDigit))
        {
            partition = p;
            afterRow = r.Length > 0 ? r : null;
        }
        else
        {
            partition = PartitionFor(now);
        }

        var items = new List<AuditEntry>();
        var oldest = PartitionFor(Epoch);
        while (items.Count < pageSize && string.CompareOrdinal(partition, oldest) >= 0)
        {
            var query = TableClient.CreateQueryFilter($"PartitionKey eq {partition}");
            if (afterRow is not null)
            {
                query += " and " + TableClient.CreateQueryFilter($"RowKey gt {afterRow}");
            }

            query += FilterClause(filter);
            await foreach (var entity in table.QueryAsync<TableEntity>(query, maxPerPage: pageSize, cancellationToken: cancellationToken))
            {
                items.Add(ToEntry(entity));
                if (items.Count == pageSize)
                {
                    return new AuditPage(items, $"{partition}|{entity.RowKey}");
                }
            }

            partition = PreviousPartition(partition);
            afterRow = null;
        }

        return new AuditPage(items, null);
    }

    private static string FilterClause(AuditFilter? filter)
    {
        if (filter is null)
        {
            return "";
        }

        var clause = "";
        if (filter.Actor is not null)
        {
            clause += " and " + TableClient.CreateQueryFilter($"Actor eq {filter.Actor}");
        }

        if (filter.ActionPrefix is not null)
        {
            // Prefix match: Action >= prefix and Action < prefix + U+FFFF.
            clause += " and " + TableClient.CreateQueryFilter($"Action ge {filter.ActionPrefix} and Action lt {filter.ActionPrefix + '\uffff'}");
        }

        if (filter.ResourceType is not null)
        {
            clause += " and " + TableClient.CreateQueryFilter($"ResourceType eq {filter.ResourceType}");
        }

        if (filter.NodeId is not null)
        {
            clause += " and " + TableClient.CreateQueryFilter($"NodeId eq {filter.NodeId}");
        }

        return clause;
    }

    private static AuditEntry ToEntry(TableEntity e) => new(
        $"{e.PartitionKey}-{e.RowKey}",
        e.GetDateTimeOffset("At") ?? e.Timestamp ?? DateTimeOffset.MinValue,
        new AuditEvent(
            e.GetString("Actor") ?? "",
            e.GetString("Action") ?? "",
            e.GetString("Outcome") ?? "",
            e.GetString("ResourceType"),
            e.GetString("ResourceId"),
            e.GetString("NodeId"),
            e.GetString("ClientAddress"),
            e.GetString("VersionBefore"),
            e.GetString("VersionAfter"),
            e.GetString("Detail")));

    private static string PartitionFor(DateTimeOffset at) => at.UtcDateTime.ToString("yyyyMM", CultureInfo.InvariantCulture);

    private static string PreviousPartition(string partition)
    {
        var month = DateTime.ParseExact(partition, "yyyyMM", CultureInfo.InvariantCulture);
        return month.AddMonths(-1).ToString("yyyyMM", CultureInfo.InvariantCulture);
    }

    private static string RowKeyFor(DateTimeOffset at) =>
        (DateTimeOffset.MaxValue.Ticks - at.UtcTicks).ToString("D19", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..8];
}

using System.Globalization;
using Azure.Data.Tables;
using CloudWg.Functions.Storage;

namespace CloudWg.Functions.Changes;

/// <summary>
/// The change feed (table <c>changes</c>) behind live updates: one partition per UTC day, row key = UTC ticks
/// (19 digits) + a random suffix, so a range query after a known <c>seq</c> returns newer entries in order and
/// instances never collide. Clocks of instances may differ slightly; readers that tail the feed should re-read
/// a few seconds of overlap and de-duplicate by <c>seq</c>.
/// </summary>
public sealed class ChangeFeed(StorageClients storage, TimeProvider time)
{
    private readonly TableClient table = storage.Table("changes");

    public async Task<ChangeEntry> AppendAsync(string nodeId, string resourceType, string id, string action, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var seq = now.UtcTicks.ToString("D19", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..8];
        var entity = new TableEntity(Partition(now), seq)
        {
            ["Time"] = now,
            ["NodeId"] = nodeId,
            ["ResourceType"] = resourceType,
            ["ResourceId"] = id,
            ["Action"] = action,
        };
        await table.AddEntityAsync(entity, cancellationToken);
        return new ChangeEntry(seq, now, nodeId, resourceType, id, action);
    }

    /// <summary>Entries after <paramref name="afterSeq"/> (or from <paramref name="since"/>), oldest first, at most <paramref name="max"/>.</summary>
    public async Task<IReadOnlyList<ChangeEntry>> ReadAsync(string? afterSeq, DateTimeOffset since, int max, CancellationToken cancellationToken)
    {
        var start = since;
        if (afterSeq is { Length: >= 19 } && long.TryParse(afterSeq.AsSpan(0, 19), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            && ticks >= DateTimeOffset.MinValue.UtcTicks && ticks <= DateTimeOffset.MaxValue.UtcTicks)
        {
            start = new DateTimeOffset(ticks, TimeSpan.Zero);
        }

        var after = afterSeq ?? start.UtcTicks.ToString("D19", CultureInfo.InvariantCulture);
        var entries = new List<ChangeEntry>();
        var now = time.GetUtcNow();
        for (var day = start.UtcDateTime.Date; day <= now.UtcDateTime.Date && entries.Count < max; day = day.AddDays(1))
        {
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition(day)} and RowKey gt {after}");
            await foreach (var e in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
            {
                entries.Add(new ChangeEntry(
                    e.RowKey,
                    e.GetDateTimeOffset("Time") ?? DateTimeOffset.UnixEpoch,
                    e.GetString("NodeId") ?? "",
                    e.GetString("ResourceType") ?? "",
                    e.GetString("ResourceId") ?? "",
                    e.GetString("Action") ?? ""));
                if (entries.Count == max)
                {
                    break;
                }
            }
        }

        return entries;
    }

    private static string Partition(DateTimeOffset at) => at.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
}

using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using CloudWg.Functions.Storage;
using CloudWg.Protocol.Json;
using CloudWg.Protocol.Messages;

namespace CloudWg.Functions.Reports;

/// <summary>
/// The <see cref="NodeRuntime"/> rows. Writes are compare-and-swap on the row's ETag, so concurrent ingest
/// instances never regress a node to an older report. Per-peer stats can outgrow a table property (64 KiB) on a
/// large node, so they live in blob <see cref="PeerStatsBlobName"/> in the node's own container, which the node's
/// blob SAS (scoped to its desired-state blob) cannot read.
/// </summary>
public sealed class NodeRuntimeStore(StorageClients storage)
{
    public const string RowKey = "runtime";
    public const string PeerStatsBlobName = "peer-stats.json";

    private readonly TableClient table = storage.Table("nodes");

    /// <summary>The stats every peer of the node last reported; empty before the first report.</summary>
    public async Task<IReadOnlyList<PeerStats>> GetPeerStatsAsync(string nodeId, CancellationToken cancellationToken)
    {
        try
        {
            var content = await StatsBlob(nodeId).DownloadContentAsync(cancellationToken);
            return JsonSerializer.Deserialize(content.Value.Content.ToMemory().Span, ProtocolJsonContext.Default.IReadOnlyListPeerStats) ?? [];
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return [];
        }
    }

    private BlobClient StatsBlob(string nodeId) =>
        storage.Blobs.GetBlobContainerClient(storage.Names.NodeDesiredStateContainer(nodeId)).GetBlobClient(PeerStatsBlobName);

    public async Task<NodeRuntime?> GetAsync(string nodeId, CancellationToken cancellationToken)
    {
        var row = await table.GetEntityIfExistsAsync<TableEntity>(nodeId, RowKey, cancellationToken: cancellationToken);
        return row.HasValue ? ToModel(row.Value!) : null;
    }

    public async Task<IReadOnlyList<NodeRuntime>> ListAsync(CancellationToken cancellationToken)
    {
        var list = new List<NodeRuntime>();
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey eq {RowKey}"), cancellationToken: cancellationToken))
        {
            list.Add(ToModel(row));
        }

        return list;
    }

    /// <summary>
    /// Stores <paramref name="report"/> unless a report with the same or a higher sequence is already stored
    /// (a replay or a reordered delivery). Returns the previous and the new state, or null when it was stale.
    /// </summary>
    public async Task<(NodeRuntime? Before, NodeRuntime After)?> AdvanceAsync(NodeReport report, DateTimeOffset now, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var existing = await table.GetEntityIfExistsAsync<TableEntity>(report.NodeId, RowKey, cancellationToken: cancellationToken);
            var before = existing.HasValue ? ToModel(existing.Value!) : null;
            if (before is not null && report.Sequence <= before.Sequence)
            {
                return null;
            }

            var after = new NodeRuntime(
                report.NodeId, NodeLiveness.Online, report.AppliedVersion, now, report.At, report.Sequence, report.ReconcileOutcome,
                report.Error, report.AgentVersion, new Dictionary<string, long>(report.Rejections.Counts), report.Peers.Count, report.L4Proxy);
            var entity = ToEntity(after);
            try
            {
                if (existing.HasValue)
                {
                    await table.UpdateEntityAsync(entity, existing.Value!.ETag, TableUpdateMode.Replace, cancellationToken);
                }
                else
                {
                    await table.AddEntityAsync(entity, cancellationToken);
                }

                // After the row: a slower instance holding an older report lost the CAS above and writes nothing.
                await StatsBlob(report.NodeId).UploadAsync(
                    BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(report.Peers, ProtocolJsonContext.Default.IReadOnlyListPeerStats)),
                    overwrite: true,
                    cancellationToken);
                return (before, after);
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412 && attempt < 5)
            {
                // Another instance stored a report meanwhile: re-read and compare sequences again.
            }
        }
    }

    /// <summary>Marks the node offline if it is still online and has not been seen since <paramref name="seenBefore"/>.</summary>
    public async Task<bool> MarkOfflineAsync(string nodeId, DateTimeOffset seenBefore, CancellationToken cancellationToken)
    {
        var existing = await table.GetEntityIfExistsAsync<TableEntity>(nodeId, RowKey, cancellationToken: cancellationToken);
        if (!existing.HasValue)
        {
            return false;
        }

        var row = existing.Value!;
        var runtime = ToModel(row);
        if (runtime.Status != NodeLiveness.Online || runtime.LastSeenAt >= seenBefore)
        {
            return false;
        }

        row["Status"] = NodeLiveness.Offline;
        try
        {
            await table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            // A report arrived meanwhile: the node is alive.
            return false;
        }
    }

    public Task DeleteAsync(string nodeId, CancellationToken cancellationToken) =>
        table.DeleteEntityAsync(nodeId, RowKey, ETag.All, cancellationToken);

    private static TableEntity ToEntity(NodeRuntime r) => new(r.NodeId, RowKey)
    {
        ["Status"] = r.Status,
        ["AppliedVersion"] = r.AppliedVersion,
        ["LastSeenAt"] = r.LastSeenAt,
        ["ReportedAt"] = r.ReportedAt,
        ["Sequence"] = r.Sequence,
        ["ReconcileOutcome"] = r.ReconcileOutcome,
        ["Error"] = r.Error,
        ["AgentVersion"] = r.AgentVersion,
        ["Rejections"] = JsonSerializer.Serialize(r.Rejections, ProtocolJsonContext.Default.IReadOnlyDictionaryStringInt64),
        ["PeerCount"] = r.PeerCount,
        ["L4Proxy"] = r.L4Proxy,
    };

    private static NodeRuntime ToModel(TableEntity e) => new(
        e.PartitionKey,
        e.GetString("Status") ?? NodeLiveness.Offline,
        e.GetInt64("AppliedVersion"),
        e.GetDateTimeOffset("LastSeenAt") ?? DateTimeOffset.UnixEpoch,
        e.GetDateTimeOffset("ReportedAt") ?? DateTimeOffset.UnixEpoch,
        e.GetInt64("Sequence") ?? -1,
        e.GetString("ReconcileOutcome") ?? "",
        e.GetString("Error"),
        e.GetString("AgentVersion") ?? "",
        JsonSerializer.Deserialize(e.GetString("Rejections") ?? "{}", ProtocolJsonContext.Default.IReadOnlyDictionaryStringInt64) ?? new Dictionary<string, long>(),
        e.GetInt32("PeerCount") ?? 0,
        e.GetString("L4Proxy"));
}

using Azure;
using Azure.Data.Tables;
using CloudWg.Functions.Storage;

namespace CloudWg.Functions.Enrollment;

/// <summary>
/// <see cref="INodeDirectory"/> over the <c>nodes</c> table, merging enrollment fields into the node entity.
/// Key scheme: PartitionKey = node id, RowKey = <see cref="NodeRowKey"/> (to be aligned with the nodes store).
/// </summary>
public sealed class TableNodeDirectory(StorageClients storage) : INodeDirectory
{
    public const string NodeRowKey = "node";

    private TableClient Table => storage.Table("nodes");

    public async Task<bool> ExistsAsync(string nodeId, CancellationToken cancellationToken = default)
    {
        var entity = await Table.GetEntityIfExistsAsync<TableEntity>(nodeId, NodeRowKey, ["PartitionKey"], cancellationToken).ConfigureAwait(false);
        return entity.HasValue;
    }

    public Task RecordEnrollmentAsync(string nodeId, NodeEnrollment enrollment, CancellationToken cancellationToken = default) =>
        MergeAsync(WithoutNulls(new TableEntity(nodeId, NodeRowKey)
        {
            ["PublicKey"] = enrollment.WireGuardPublicKey,
            ["Hostname"] = enrollment.Hostname,
            ["AgentVersion"] = enrollment.AgentVersion,
            ["CertificateSerial"] = enrollment.CertificateSerial,
            ["CertificateThumbprint"] = enrollment.CertificateThumbprint,
            ["CertificateExpiresAt"] = enrollment.CertificateExpiresAt,
            ["EnrolledAt"] = enrollment.EnrolledAt,
            // A renewal (no WireGuard key) leaves the status alone: it must not undo a revocation that raced with it.
            ["Status"] = enrollment.WireGuardPublicKey is null ? null : "enrolled",
        }), cancellationToken);

    public Task MarkRevokedAsync(string nodeId, DateTimeOffset revokedAt, CancellationToken cancellationToken = default) =>
        MergeAsync(new TableEntity(nodeId, NodeRowKey) { ["Status"] = "revoked", ["RevokedAt"] = revokedAt }, cancellationToken);

    /// <summary>Renewal reports no WireGuard key or hostname: absent values leave the stored ones alone.</summary>
    private static TableEntity WithoutNulls(TableEntity entity)
    {
        foreach (var key in entity.Keys.Where(k => entity[k] is null).ToList())
        {
            entity.Remove(key);
        }

        return entity;
    }

    private async Task MergeAsync(TableEntity entity, CancellationToken cancellationToken)
    {
        try
        {
            // Merge without a precondition on purpose: these fields belong to enrollment alone, so a concurrent
            // edit of the node's other fields is neither lost nor blocking.
            await Table.UpdateEntityAsync(entity, ETag.All, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            throw new NodeNotFoundException(entity.PartitionKey);
        }
    }
}

using System.Security.Cryptography.X509Certificates;
using Azure;
using Azure.Data.Tables;
using CloudWg.Functions.Storage;

namespace CloudWg.Functions.Pki;

/// <summary>
/// Issued node certificates and per-node PKI state in the <c>certificates</c> table: PartitionKey = node id; one row
/// per certificate (RowKey = serial, uppercase hex) and one state row (RowKey <see cref="StateRowKey"/>). A certificate
/// authenticates only if its row exists and is not revoked, so revocation needs no CRL.
/// </summary>
public sealed class NodeCertificateStore(StorageClients storage, TimeProvider time)
{
    public const string StateRowKey = "state";

    /// <summary>The <c>reason</c> of a certificate issued by renewal (<c>enroll</c> for an enrollment).</summary>
    public const string RenewReason = "renew";

    private const string EnrolledStatus = "enrolled";
    private const string RevokedStatus = "revoked";

    private TableClient Table => storage.Table("certificates");

    public async Task RecordIssuedAsync(string nodeId, X509Certificate2 certificate, string reason, CancellationToken cancellationToken = default)
    {
        await Table.AddEntityAsync(new TableEntity(nodeId, certificate.SerialNumber)
        {
            ["Thumbprint"] = certificate.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256),
            ["NotBefore"] = new DateTimeOffset(certificate.NotBefore.ToUniversalTime()),
            ["NotAfter"] = new DateTimeOffset(certificate.NotAfter.ToUniversalTime()),
            ["IssuedAt"] = time.GetUtcNow(),
            ["Reason"] = reason,
            // The public certificate: report ingest verifies the node's signed reports with its key.
            ["CertificatePem"] = certificate.ExportCertificatePem(),
        }, cancellationToken).ConfigureAwait(false);
        var state = new TableEntity(nodeId, StateRowKey) { ["CurrentSerial"] = certificate.SerialNumber };
        if (reason != RenewReason)
        {
            // Only an enrollment ends a revocation: a renewal that raced with one must not undo it.
            state["Status"] = EnrolledStatus;
        }

        await Table.UpsertEntityAsync(state, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Whether the certificate with <paramref name="serial"/> was issued to <paramref name="nodeId"/> and is not revoked,
    /// and the node is not revoked either (which also covers a certificate a renewal recorded while the revocation ran).
    /// </summary>
    public async Task<bool> IsActiveAsync(string nodeId, string serial, CancellationToken cancellationToken = default)
    {
        var row = await Table.GetEntityIfExistsAsync<TableEntity>(nodeId, serial, cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue && row.Value!.GetDateTimeOffset("RevokedAt") is null && !await IsRevokedAsync(nodeId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether the node's last revocation came after its last enrollment.</summary>
    public async Task<bool> IsRevokedAsync(string nodeId, CancellationToken cancellationToken = default)
    {
        var row = await Table.GetEntityIfExistsAsync<TableEntity>(nodeId, StateRowKey, ["Status"], cancellationToken).ConfigureAwait(false);
        return row.HasValue && row.Value!.GetString("Status") == RevokedStatus;
    }

    /// <summary>The node's certificates that are neither revoked nor expired at <paramref name="at"/>, newest first.</summary>
    public async Task<IReadOnlyList<X509Certificate2>> ActiveCertificatesAsync(string nodeId, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        var active = new List<(DateTimeOffset IssuedAt, X509Certificate2 Certificate)>();
        await foreach (var row in Table.QueryAsync<TableEntity>(e => e.PartitionKey == nodeId, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (row.RowKey == StateRowKey || row.GetDateTimeOffset("RevokedAt") is not null || row.GetString("CertificatePem") is not { Length: > 0 } pem)
            {
                continue;
            }

            if (row.GetDateTimeOffset("NotBefore") is { } notBefore && notBefore > at || row.GetDateTimeOffset("NotAfter") is { } notAfter && notAfter < at)
            {
                continue;
            }

            active.Add((row.GetDateTimeOffset("IssuedAt") ?? DateTimeOffset.MinValue, X509Certificate2.CreateFromPem(pem)));
        }

        return [.. active.OrderByDescending(a => a.IssuedAt).Select(a => a.Certificate)];
    }

    /// <summary>When the node was last revoked, if ever: enrollment tokens created before that are void.</summary>
    public async Task<DateTimeOffset?> RevokedAtAsync(string nodeId, CancellationToken cancellationToken = default)
    {
        var row = await Table.GetEntityIfExistsAsync<TableEntity>(nodeId, StateRowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue ? row.Value!.GetDateTimeOffset("RevokedAt") : null;
    }

    /// <summary>Marks every certificate of the node revoked; returns their serials.</summary>
    public async Task<IReadOnlyList<string>> RevokeAllAsync(string nodeId, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        var revoked = await RevokeExceptAsync(nodeId, [], at, cancellationToken).ConfigureAwait(false);
        await Table.UpsertEntityAsync(new TableEntity(nodeId, StateRowKey) { ["Status"] = RevokedStatus, ["RevokedAt"] = at }, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
        return revoked;
    }

    /// <summary>
    /// Revokes the node's certificates other than <paramref name="keep"/>: a new enrollment supersedes every earlier
    /// certificate; a renewal keeps only the new one and the one it was made with.
    /// </summary>
    public async Task<IReadOnlyList<string>> RevokeExceptAsync(string nodeId, IReadOnlyCollection<string> keep, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        var revoked = new List<string>();
        await foreach (var row in Table.QueryAsync<TableEntity>(e => e.PartitionKey == nodeId, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (row.RowKey == StateRowKey || keep.Contains(row.RowKey) || row.GetDateTimeOffset("RevokedAt") is not null)
            {
                continue;
            }

            row["RevokedAt"] = at;
            await Table.UpdateEntityAsync(row, ETag.All, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
            revoked.Add(row.RowKey);
        }

        return revoked;
    }
}

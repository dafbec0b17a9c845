namespace CloudWg.Functions.Audit;

/// <summary>Append-only audit log in Table Storage, read newest first.</summary>
public interface IAuditLog
{
    Task RecordAsync(AuditEvent entry, CancellationToken cancellationToken = default);

    /// <summary>A page of entries, newest first; <paramref name="continuation"/> comes from the previous page.</summary>
    Task<AuditPage> ListAsync(int pageSize, string? continuation, AuditFilter? filter = null, CancellationToken cancellationToken = default);
}

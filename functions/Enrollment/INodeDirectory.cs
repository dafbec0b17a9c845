namespace CloudWg.Functions.Enrollment;

/// <summary>
/// What enrollment needs from the node resource (owned by the nodes feature): whether a node exists, and recording
/// its enrollment and revocation on it. Kept small so it rebinds to the nodes store without touching enrollment.
/// </summary>
public interface INodeDirectory
{
    Task<bool> ExistsAsync(string nodeId, CancellationToken cancellationToken = default);

    Task RecordEnrollmentAsync(string nodeId, NodeEnrollment enrollment, CancellationToken cancellationToken = default);

    Task MarkRevokedAsync(string nodeId, DateTimeOffset revokedAt, CancellationToken cancellationToken = default);
}

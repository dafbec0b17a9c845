namespace CloudWg.Functions.Enrollment;

/// <summary>What <c>POST /api/nodes/{id}/revoke</c> did.</summary>
public sealed record RevocationResult(string NodeId, DateTimeOffset RevokedAt, IReadOnlyList<string> RevokedSerials);

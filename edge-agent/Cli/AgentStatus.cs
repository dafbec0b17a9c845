namespace CloudWg.EdgeAgent.Cli;

/// <summary>What <c>cloudwg-agent status --json</c> prints.</summary>
public sealed record AgentStatus(
    string AgentVersion,
    string StateDirectory,
    bool Enrolled,
    string? NodeId,
    string? ControlUrl,
    DateTimeOffset? CertificateExpiresAt,
    DateTimeOffset? RenewalDueAt,
    long LastAcceptedVersion,
    long AppliedVersion,
    IReadOnlyList<long> CachedVersions,
    IReadOnlyList<AgentStatusReconcile> RecentReconciles,
    int PendingReports,
    long RejectedTotal,
    IReadOnlyList<AgentStatusRejection> Rejections,
    string? CertificateSerial = null,
    string? CertificateSha256 = null,
    DateTimeOffset? LastRenewedAt = null,
    string? RenewalError = null,
    DateTimeOffset? RenewalErrorAt = null,
    string? PullError = null,
    DateTimeOffset? PullErrorAt = null,
    long? ClockSkewSeconds = null,
    string? L4Proxy = null,
    IReadOnlyList<string>? L4Routes = null);

namespace CloudWg.Functions.Enrollment;

/// <summary>What a node reported and received at enrollment or renewal.</summary>
public sealed record NodeEnrollment(
    string? WireGuardPublicKey,
    string? Hostname,
    string? AgentVersion,
    string CertificateSerial,
    string CertificateThumbprint,
    DateTimeOffset CertificateExpiresAt,
    DateTimeOffset EnrolledAt);

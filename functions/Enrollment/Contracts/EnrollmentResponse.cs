namespace CloudWg.Functions.Enrollment.Contracts;

/// <summary>What an enrolled node receives: its certificate chain, what to trust, and where to read and write.</summary>
public sealed record EnrollmentResponse(
    string NodeId,
    string CertificateChainPem,
    TrustBundle TrustBundle,
    SasGrant Inbox,
    SasGrant DesiredStateBlob,
    SasGrant Reports,
    DateTimeOffset CertificateExpiresAt);

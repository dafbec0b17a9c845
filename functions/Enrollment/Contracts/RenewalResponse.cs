namespace CloudWg.Functions.Enrollment.Contracts;

/// <summary>A new certificate and a fresh SAS set.</summary>
public sealed record RenewalResponse(
    string NodeId,
    string CertificateChainPem,
    TrustBundle TrustBundle,
    SasGrant Inbox,
    SasGrant DesiredStateBlob,
    SasGrant Reports,
    DateTimeOffset CertificateExpiresAt);

using CloudWg.Protocol.Jws;
using CloudWg.Protocol.Messages;

namespace CloudWg.Functions.Enrollment;

/// <summary>What enrollment and renewal hand a node; mapped to the protocol's response records.</summary>
public sealed record IssuedCredentials(
    string NodeId,
    IReadOnlyList<string> CertificateChainPem,
    TrustBundle TrustBundle,
    SasGrant Inbox,
    SasGrant DesiredStateBlob,
    SasGrant Reports,
    DateTimeOffset CertificateExpiresAt)
{
    public EnrollmentResponse ToEnrollmentResponse() =>
        new(NodeId, CertificateChainPem, TrustBundle, Inbox, DesiredStateBlob, Reports, CertificateExpiresAt);

    public RenewalResponse ToRenewalResponse() =>
        new(CertificateChainPem, Inbox, DesiredStateBlob, Reports, CertificateExpiresAt, TrustBundle);

    /// <summary>Hides the SAS URLs.</summary>
    public override string ToString() => $"IssuedCredentials {{ NodeId = {NodeId}, CertificateExpiresAt = {CertificateExpiresAt:O} }}";
}

using CloudWg.Protocol.Jws;
using CloudWg.Protocol.Messages;

namespace CloudWg.EdgeAgent.Enrollment;

/// <summary>What enrollment or renewal returned, read tolerantly from the response JSON.</summary>
public sealed record IssuedCredentials(
    string? NodeId,
    IReadOnlyList<string> CertificateChainPem,
    TrustBundle? TrustBundle,
    SasGrant Inbox,
    SasGrant DesiredStateBlob,
    SasGrant Reports,
    DateTimeOffset CertificateExpiresAt)
{
    public override string ToString() => $"IssuedCredentials {{ NodeId = {NodeId}, CertificateExpiresAt = {CertificateExpiresAt:O} }}";
}

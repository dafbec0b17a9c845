using CloudWg.Protocol.Jws;
using CloudWg.Protocol.Validation;

namespace CloudWg.Protocol.Messages;

/// <summary>A renewed certificate and a fresh set of SAS grants.</summary>
/// <param name="TrustBundle">When present, replaces the pinned bundle (signing-key rotation); null keeps it.</param>
public sealed record RenewalResponse(
    IReadOnlyList<string> CertificateChainPem,
    SasGrant Inbox,
    SasGrant DesiredStateBlob,
    SasGrant Reports,
    DateTimeOffset CertificateExpiresAt,
    TrustBundle? TrustBundle = null)
{
    /// <summary>Hides the SAS URLs.</summary>
    public override string ToString() => $"RenewalResponse {{ CertificateExpiresAt = {CertificateExpiresAt:O} }}";

    public IReadOnlyList<ValidationError> Validate()
    {
        var errors = new List<ValidationError>();
        MessageRules.CertificateChain(errors, "certificateChainPem", CertificateChainPem);
        EnrollmentResponse.ValidateGrants(errors, Inbox, DesiredStateBlob, Reports);
        MessageRules.Time(errors, "certificateExpiresAt", CertificateExpiresAt);
        if (TrustBundle is not null)
        {
            MessageRules.Nested(errors, "trustBundle", TrustBundle.Validate());
        }

        return errors;
    }
}

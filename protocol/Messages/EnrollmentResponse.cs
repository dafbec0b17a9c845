using CloudWg.Protocol.Jws;
using CloudWg.Protocol.Validation;

namespace CloudWg.Protocol.Messages;

/// <summary>What a node receives when enrollment succeeds (DESIGN §4).</summary>
/// <param name="CertificateChainPem">The node's certificate first, then its issuers (fleet CA, root).</param>
/// <param name="TrustBundle">Keys and roots the node pins from now on.</param>
/// <param name="Inbox">The node's own queue: read + process.</param>
/// <param name="DesiredStateBlob">The node's desired-state blob: read.</param>
/// <param name="Reports">The reports queue: add only.</param>
public sealed record EnrollmentResponse(
    string NodeId,
    IReadOnlyList<string> CertificateChainPem,
    TrustBundle TrustBundle,
    SasGrant Inbox,
    SasGrant DesiredStateBlob,
    SasGrant Reports,
    DateTimeOffset CertificateExpiresAt)
{
    /// <summary>Hides the SAS URLs.</summary>
    public override string ToString() => $"EnrollmentResponse {{ NodeId = {NodeId}, CertificateExpiresAt = {CertificateExpiresAt:O} }}";

    public IReadOnlyList<ValidationError> Validate()
    {
        var errors = new List<ValidationError>();
        MessageRules.Id(errors, "nodeId", NodeId);
        MessageRules.CertificateChain(errors, "certificateChainPem", CertificateChainPem);
        if (TrustBundle is null)
        {
            errors.Add(new ValidationError("trustBundle", "is required."));
        }
        else
        {
            MessageRules.Nested(errors, "trustBundle", TrustBundle.Validate());
        }

        ValidateGrants(errors, Inbox, DesiredStateBlob, Reports);
        MessageRules.Time(errors, "certificateExpiresAt", CertificateExpiresAt);
        return errors;
    }

    internal static void ValidateGrants(List<ValidationError> errors, SasGrant? inbox, SasGrant? blob, SasGrant? reports)
    {
        foreach (var (name, grant) in new[] { ("inbox", inbox), ("desiredStateBlob", blob), ("reports", reports) })
        {
            if (grant is null)
            {
                errors.Add(new ValidationError(name, "is required."));
            }
            else
            {
                errors.AddRange(grant.Validate(name));
            }
        }
    }
}

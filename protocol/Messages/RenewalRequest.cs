using CloudWg.Protocol.Validation;

namespace CloudWg.Protocol.Messages;

/// <summary><c>POST /api/agent/renew</c> over mTLS: a new CSR (a fresh or the same P-256 key).</summary>
public sealed record RenewalRequest(string Csr)
{
    public IReadOnlyList<ValidationError> Validate()
    {
        var errors = new List<ValidationError>();
        EnrollmentRequest.ValidateCsr(errors, "csr", Csr);
        return errors;
    }
}

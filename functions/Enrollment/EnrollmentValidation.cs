using System.Security.Cryptography.X509Certificates;
using CloudWg.Functions.Pki;
using CloudWg.Protocol.Messages;

namespace CloudWg.Functions.Enrollment;

/// <summary>Checks an enrollment request field by field (the protocol's rules), collecting every problem at once.</summary>
public static class EnrollmentValidation
{
    public static Dictionary<string, string[]> Validate(EnrollmentRequest request, out PublicKey? publicKey)
    {
        var errors = request.Validate()
            .GroupBy(e => e.Path)
            .ToDictionary(g => g.Key, g => g.Select(e => $"{e.Path} {e.Message}").ToArray());
        publicKey = null;
        if (!errors.ContainsKey("csr") && !CertificateSigningRequests.TryParse(request.Csr, out publicKey, out var csrError))
        {
            errors["csr"] = [csrError];
        }

        return errors;
    }
}

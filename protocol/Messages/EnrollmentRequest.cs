using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CloudWg.Protocol.Validation;

namespace CloudWg.Protocol.Messages;

/// <summary><c>POST /api/agent/enroll</c>: a node asks to join with a one-time token.</summary>
/// <param name="Token">The single-use enrollment token. A secret: never log it.</param>
/// <param name="Csr">PKCS#10 request in PEM for the node's TLS key (EC P-256), self-signed.</param>
/// <param name="WireguardPublicKey">The node's WireGuard public key (the private key stays on the node).</param>
/// <param name="Hostname">The node's host name, for operators.</param>
/// <param name="AgentVersion">The agent's version string.</param>
public sealed record EnrollmentRequest(string Token, string Csr, string WireguardPublicKey, string Hostname, string AgentVersion)
{
    /// <summary>Longest token accepted.</summary>
    public const int MaxTokenLength = 512;

    /// <summary>Hides the token.</summary>
    public override string ToString() => $"EnrollmentRequest {{ Hostname = {Hostname}, AgentVersion = {AgentVersion}, Token = <redacted> }}";

    /// <summary>
    /// Problems with this request, including that the CSR parses, carries an EC P-256 key and its self-signature
    /// verifies. Whether the token is valid is the control plane's business.
    /// </summary>
    public IReadOnlyList<ValidationError> Validate()
    {
        var errors = new List<ValidationError>();
        if (string.IsNullOrEmpty(Token) || Token.Length > MaxTokenLength || !Token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~'))
        {
            errors.Add(new ValidationError("token", $"must be the enrollment token: 1–{MaxTokenLength} characters of letters, digits and - _ . ~"));
        }

        ValidateCsr(errors, "csr", Csr);
        if (!WireGuardKey.IsValid(WireguardPublicKey))
        {
            errors.Add(new ValidationError("wireguardPublicKey", WireGuardKey.Rule + "."));
        }

        if (!HostNames.IsValidHostName(Hostname))
        {
            errors.Add(new ValidationError("hostname", "must be a host name: labels of letters, digits and hyphens, at most 253 characters."));
        }

        MessageRules.Text(errors, "agentVersion", AgentVersion, 64);
        return errors;
    }

    /// <summary>Checks a CSR: one PEM block, EC P-256 key, valid self-signature.</summary>
    internal static void ValidateCsr(List<ValidationError> errors, string path, string? csr)
    {
        var before = errors.Count;
        MessageRules.Csr(errors, path, csr);
        if (errors.Count != before)
        {
            return;
        }

        try
        {
            var request = CertificateRequest.LoadSigningRequestPem(
                csr!, HashAlgorithmName.SHA256, CertificateRequestLoadOptions.Default, signerSignaturePadding: null);
            using var key = request.PublicKey.GetECDsaPublicKey();
            if (key is null || !Jws.Jwk.IsP256(key.ExportParameters(false).Curve))
            {
                errors.Add(new ValidationError(path, "must be for an EC P-256 key."));
            }
        }
        catch (CryptographicException)
        {
            errors.Add(new ValidationError(path, "is not a valid PKCS#10 request or its self-signature does not verify."));
        }
    }
}

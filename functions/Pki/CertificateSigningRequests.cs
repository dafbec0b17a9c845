using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CloudWg.Functions.Pki;

/// <summary>Validation of node CSRs: PEM PKCS#10, a valid self-signature, and an EC P-256 key.</summary>
public static class CertificateSigningRequests
{
    /// <summary>Upper bound for a PEM CSR; a P-256 CSR is well under 1 KiB.</summary>
    public const int MaxPemLength = 8 * 1024;

    /// <summary>The CSR's public key, or false with a sentence the caller can act on.</summary>
    public static bool TryParse(string? pem, [NotNullWhen(true)] out PublicKey? publicKey, [NotNullWhen(false)] out string? error)
    {
        publicKey = null;
        if (string.IsNullOrWhiteSpace(pem))
        {
            error = "csr is required: a PEM-encoded PKCS#10 certificate signing request (-----BEGIN CERTIFICATE REQUEST-----).";
            return false;
        }

        if (pem.Length > MaxPemLength)
        {
            error = $"csr is too long (more than {MaxPemLength} characters).";
            return false;
        }

        CertificateRequest request;
        try
        {
            // The default load options verify the request's self-signature (proof of possession of the key).
            request = CertificateRequest.LoadSigningRequestPem(pem, HashAlgorithmName.SHA256);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            error = "csr is not a valid PEM PKCS#10 request with a valid signature: " + e.Message;
            return false;
        }

        using var ecdsa = request.PublicKey.GetECDsaPublicKey();
        if (ecdsa is null)
        {
            error = "csr must carry an EC P-256 key (ECDSA); other key types are not accepted.";
            return false;
        }

        var curve = ecdsa.ExportParameters(false).Curve;
        if (curve.Oid?.Value != ECCurve.NamedCurves.nistP256.Oid.Value)
        {
            error = $"csr must carry an EC P-256 key; this one uses {curve.Oid?.FriendlyName ?? curve.Oid?.Value ?? "another curve"}.";
            return false;
        }

        publicKey = request.PublicKey;
        error = null;
        return true;
    }
}

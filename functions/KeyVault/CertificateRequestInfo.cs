using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CloudWg.Functions.KeyVault;

/// <summary>The public key of a DER PKCS#10 request that Key Vault produced for a pending certificate.</summary>
internal sealed class CertificateRequestInfo(byte[] der)
{
    public PublicKey PublicKey { get; } = CertificateRequest.LoadSigningRequest(der, HashAlgorithmName.SHA256).PublicKey;
}

using System.Security.Cryptography.X509Certificates;

namespace CloudWg.Functions.Pki;

/// <summary>The root and fleet CA: issues node certificates and the control plane's server certificate.</summary>
public interface ICertificateAuthority
{
    /// <summary>The root CA certificate (the trust anchor nodes pin) and the fleet CA certificate (issuer of node certificates).</summary>
    Task<CaCertificates> GetCertificatesAsync(CancellationToken cancellationToken = default);

    /// <summary>Issues a node certificate for <paramref name="publicKey"/>, valid from now for <paramref name="lifetime"/>.</summary>
    Task<X509Certificate2> IssueNodeCertificateAsync(string nodeId, PublicKey publicKey, TimeSpan lifetime, CancellationToken cancellationToken = default);

    /// <summary>Issues a TLS server certificate for the control plane's own HTTPS endpoint.</summary>
    Task<X509Certificate2> IssueServerCertificateAsync(IEnumerable<string> names, PublicKey publicKey, TimeSpan lifetime, CancellationToken cancellationToken = default);
}

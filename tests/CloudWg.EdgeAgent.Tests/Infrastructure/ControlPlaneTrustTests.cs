using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CloudWg.EdgeAgent.Infrastructure;

namespace CloudWg.EdgeAgent.Tests.Infrastructure;

/// <summary>The agent trusts a control plane whose certificate chains to the root it pinned at enrollment, and nothing else.</summary>
public sealed class ControlPlaneTrustTests
{
    [Fact]
    public void A_fleet_ca_server_certificate_chains_to_the_pinned_root_and_a_foreign_one_does_not()
    {
        var (root, rootKey) = Ca("CN=CloudWg Root");
        var (fleet, fleetKey) = Ca("CN=CloudWg Fleet", root, rootKey);
        using var server = Leaf("CN=control", fleet, fleetKey);
        var (otherRoot, otherKey) = Ca("CN=Someone Else");
        using var foreign = Leaf("CN=control", otherRoot, otherKey);
        using var disposables = new CompositeDisposable(root, rootKey, fleet, fleetKey, otherRoot, otherKey);

        Assert.True(AgentHttpClients.IsPinned(server, SslPolicyErrors.RemoteCertificateChainErrors, [root], [fleet]));
        Assert.False(AgentHttpClients.IsPinned(foreign, SslPolicyErrors.RemoteCertificateChainErrors, [root], [fleet]));
        Assert.False(AgentHttpClients.IsPinned(server, SslPolicyErrors.RemoteCertificateChainErrors | SslPolicyErrors.RemoteCertificateNameMismatch, [root], [fleet]));
        Assert.False(AgentHttpClients.IsPinned(null, SslPolicyErrors.RemoteCertificateNotAvailable, [root], [fleet]));
        Assert.False(AgentHttpClients.IsPinned(server, SslPolicyErrors.RemoteCertificateChainErrors, [otherRoot], [fleet]));
    }

    private sealed class CompositeDisposable(params IDisposable[] items) : IDisposable
    {
        public void Dispose()
        {
            foreach (var item in items)
            {
                item.Dispose();
            }
        }
    }

    private static (X509Certificate2 Certificate, ECDsa Key) Ca(string subject, X509Certificate2? issuer = null, ECDsa? issuerKey = null)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        var certificate = issuer is null
            ? request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(1))
            : request.Create(issuer.SubjectName, X509SignatureGenerator.CreateForECDsa(issuerKey!), now.AddMinutes(-5), now.AddYears(1), RandomNumberGenerator.GetBytes(8));
        return (certificate, key);
    }

    private static X509Certificate2 Leaf(string subject, X509Certificate2 issuer, ECDsa issuerKey)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var now = DateTimeOffset.UtcNow;
        return request.Create(issuer.SubjectName, X509SignatureGenerator.CreateForECDsa(issuerKey), now.AddMinutes(-5), now.AddDays(30), RandomNumberGenerator.GetBytes(8));
    }
}

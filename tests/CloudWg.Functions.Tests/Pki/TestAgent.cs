using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CloudWg.Protocol.Messages;

namespace CloudWg.Functions.Tests.Pki;

/// <summary>What an agent does at enrollment: a P-256 TLS key and CSR, a WireGuard key, and the enroll call.</summary>
public sealed class TestAgent : IDisposable
{
    public ECDsa TlsKey { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public string WireGuardPublicKey { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public string Csr(ECDsa? key = null)
    {
        var request = new CertificateRequest("CN=agent", key ?? TlsKey, HashAlgorithmName.SHA256);
        return request.CreateSigningRequestPem();
    }

    public EnrollmentRequest Request(string token) => new(token, Csr(), WireGuardPublicKey, "edge-1.example.net", "0.1.0-test");

    public static Task<HttpResponseMessage> EnrollAsync(HttpClient client, EnrollmentRequest request) =>
        client.PostAsJsonAsync("/api/agent/enroll", request, TestContext.Current.CancellationToken);

    /// <summary>The node certificate (first in the chain) with this agent's private key, for mutual TLS.</summary>
    public X509Certificate2 ClientCertificate(IReadOnlyList<string> chain)
    {
        using var leaf = X509Certificate2.CreateFromPem(chain[0]);
        using var withKey = leaf.CopyWithPrivateKey(TlsKey);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }

    public void Dispose() => TlsKey.Dispose();
}

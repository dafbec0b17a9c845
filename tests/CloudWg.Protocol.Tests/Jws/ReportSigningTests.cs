using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CloudWg.Protocol.Json;
using CloudWg.Protocol.Jws;
using CloudWg.Protocol.Messages;
using JwsCompact = CloudWg.Protocol.Jws.Jws;

namespace CloudWg.Protocol.Tests.Jws;

/// <summary>The report path: the node signs with its TLS key, the control plane verifies against the node's certificate.</summary>
public sealed class ReportSigningTests
{
    private static X509Certificate2 SelfSigned(ECDsa key) =>
        new CertificateRequest("CN=node-1", key, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));

    [Fact]
    public async Task A_report_signed_with_the_tls_key_verifies_against_the_nodes_certificate()
    {
        using var tlsKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = SelfSigned(tlsKey);
        using var signer = new EcdsaJwsSigner(ECDsa.Create(tlsKey.ExportParameters(includePrivateParameters: true)));
        var report = new NodeReport("node-1", 5, TestData.IssuedAt, 42, ReconcileOutcomes.Applied, null, [], "1.0.0", RejectionCounters.None);

        var signed = await JwsCompact.SignDocumentAsync(signer, report, JwsTypes.Report, TestContext.Current.CancellationToken);
        var verifier = new JwsVerifier(TrustBundle.FromKeys(Jwk.FromCertificate(certificate)));
        var result = verifier.Verify(signed.Compact, JwsTypes.Report);

        Assert.True(result.IsValid, result.ToString());
        Assert.Equal(signer.KeyId, Jwk.FromCertificate(certificate).Kid);
        Assert.Equal(5, CanonicalJson.Deserialize<NodeReport>(result.Payload).Sequence);
    }

    [Fact]
    public async Task A_report_signed_by_another_nodes_key_is_rejected()
    {
        using var mine = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = SelfSigned(mine);
        using var other = EcdsaJwsSigner.Create(Jwk.FromCertificate(certificate).Kid);

        var compact = await JwsCompact.SignAsync(other, "{}"u8.ToArray(), JwsTypes.Report, TestContext.Current.CancellationToken);

        Assert.Equal(JwsRejectReason.BadSignature, new JwsVerifier(TrustBundle.FromKeys(Jwk.FromCertificate(certificate))).Verify(compact, JwsTypes.Report).Reason);
    }

    [Fact]
    public void Rsa_certificates_cannot_be_pinned()
    {
        using var rsa = RSA.Create(2048);
        using var certificate = new CertificateRequest("CN=x", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));

        Assert.Throws<ArgumentException>(() => Jwk.FromCertificate(certificate));
    }
}

using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CloudWg.Protocol.Acceptance;
using CloudWg.Protocol.Json;
using CloudWg.Protocol.Jws;
using CloudWg.Protocol.Messages;
using CloudWg.Protocol.Validation;

namespace CloudWg.Protocol.Tests.Messages;

public sealed class MessageValidationTests
{
    private static readonly string Sha = new('a', 64);
    private static readonly SasGrant Grant = new("https://acct.queue.core.windows.net/node-1?sv=2025-01-05&sig=abc", TestData.IssuedAt);

    private static string Csr(ECCurve curve)
    {
        using var key = ECDsa.Create(curve);
        return new CertificateRequest("CN=node", key, HashAlgorithmName.SHA256).CreateSigningRequestPem();
    }

    private static string RsaCsr()
    {
        using var key = RSA.Create(2048);
        return new CertificateRequest("CN=node", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).CreateSigningRequestPem();
    }

    private static string CertificatePem()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = new CertificateRequest("CN=root", key, HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return certificate.ExportCertificatePem();
    }

    private static TrustBundle Bundle()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return TrustBundle.FromKeys(Jwk.FromECDsa(key, "k1")) with { RootCertificatesPem = [CertificatePem()] };
    }

    private static string[] Paths(IReadOnlyList<ValidationError> errors) => errors.Select(e => e.Path).ToArray();

    [Fact]
    public void QueueNotification_valid_with_and_without_inline_jws()
    {
        Assert.Empty(new QueueNotification("node-1", 1, Sha, null).Validate());
        Assert.Empty(new QueueNotification("node-1", 1, Sha, "a.b.c").Validate());
    }

    [Fact]
    public void QueueNotification_invalid_fields_are_named()
    {
        Assert.Equal(["nodeId", "version", "sha256", "jws"], Paths(new QueueNotification("", 0, "ABC", "no-dots").Validate()));
        Assert.Equal(["sha256"], Paths(new QueueNotification("n", 1, new string('A', 64), null).Validate()));
        Assert.Equal(["jws"], Paths(new QueueNotification("n", 1, Sha, new string('a', QueueNotification.MaxInlineBytes) + "..").Validate()));
    }

    [Fact]
    public void QueueNotification_carries_the_jws_inline_only_when_the_whole_message_fits()
    {
        var small = "a." + new string('b', 1000) + ".c";
        var overhead = CanonicalJson.Serialize(new QueueNotification("node-1", 7, Sha, string.Empty)).Length;
        var exact = "a." + new string('b', QueueNotification.MaxInlineBytes - overhead - 4) + ".c";
        var tooBig = "a." + new string('b', QueueNotification.MaxInlineBytes - overhead - 3) + ".c";

        Assert.Equal(small, QueueNotification.Create("node-1", 7, Sha, small).Jws);
        Assert.Equal(exact, QueueNotification.Create("node-1", 7, Sha, exact).Jws);
        Assert.Equal(QueueNotification.MaxInlineBytes, CanonicalJson.Serialize(QueueNotification.Create("node-1", 7, Sha, exact)).Length);
        Assert.Null(QueueNotification.Create("node-1", 7, Sha, tooBig).Jws);
        Assert.Null(QueueNotification.Create("node-1", 7, Sha, new string('x', 2_000_000)).Jws);
        Assert.Null(QueueNotification.Create("node-1", 7, Sha, small, maxMessageBytes: 500).Jws);
        Assert.Equal(49_152, QueueNotification.MaxInlineBytesBase64Encoded);
        Assert.Equal(7, QueueNotification.Create("node-1", 7, Sha, tooBig).Version);
    }

    [Fact]
    public void EnrollmentRequest_valid_with_a_real_p256_csr()
    {
        var request = new EnrollmentRequest("tok_123-abc.XYZ~", Csr(ECCurve.NamedCurves.nistP256), TestData.Key(9), "vps-fra-1.example.com", "1.2.3");

        Assert.Empty(request.Validate());
    }

    [Fact]
    public void EnrollmentRequest_invalid_fields_are_named()
    {
        var request = new EnrollmentRequest("", "not a csr", "bad", "vps_1", "");

        Assert.Equal(["token", "csr", "wireguardPublicKey", "hostname", "agentVersion"], Paths(request.Validate()));
    }

    [Theory]
    [InlineData("p384")]
    [InlineData("rsa")]
    [InlineData("tampered")]
    [InlineData("certificate")]
    [InlineData("two blocks")]
    public void EnrollmentRequest_rejects_csrs_that_are_not_self_signed_p256_requests(string kind)
    {
        var p256 = Csr(ECCurve.NamedCurves.nistP256);
        var csr = kind switch
        {
            "p384" => Csr(ECCurve.NamedCurves.nistP384),
            "rsa" => RsaCsr(),
            "tampered" => Tamper(p256),
            "certificate" => CertificatePem(),
            _ => p256 + "\n" + p256,
        };

        var errors = new EnrollmentRequest("tok", csr, TestData.Key(9), "vps-1", "1.0").Validate();

        Assert.Equal(["csr"], Paths(errors));
    }

    private static string Tamper(string pem)
    {
        // Flip one bit inside the subject name; the self-signature no longer verifies.
        var der = PemEncoding.Find(pem);
        var bytes = Convert.FromBase64String(pem[der.Base64Data]);
        var index = bytes.AsSpan().IndexOf("node"u8);
        bytes[index] ^= 0x01;
        return PemEncoding.WriteString("CERTIFICATE REQUEST", bytes);
    }

    [Fact]
    public void EnrollmentRequest_to_string_hides_the_token()
    {
        var request = new EnrollmentRequest("super-secret-token", "csr", "k", "h", "v");

        Assert.DoesNotContain("super-secret-token", request.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void EnrollmentResponse_valid_and_invalid()
    {
        var valid = new EnrollmentResponse("node-1", [CertificatePem(), CertificatePem()], Bundle(), Grant, Grant, Grant, TestData.IssuedAt);
        var invalid = new EnrollmentResponse("", [], new TrustBundle([]), Grant with { Url = "ftp://x" }, null!, Grant with { Url = "https://acct/no-sas" }, default);

        Assert.Empty(valid.Validate());
        Assert.Equal(["nodeId", "certificateChainPem", "trustBundle.keys", "inbox.url", "desiredStateBlob", "reports.url", "certificateExpiresAt"], Paths(invalid.Validate()));
        Assert.Equal(["certificateChainPem[1]"], Paths((valid with { CertificateChainPem = [CertificatePem(), "garbage"] }).Validate()));
        Assert.DoesNotContain("sig=abc", valid.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("sig=abc", Grant.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void RenewalRequest_valid_and_invalid()
    {
        Assert.Empty(new RenewalRequest(Csr(ECCurve.NamedCurves.nistP256)).Validate());
        Assert.Equal(["csr"], Paths(new RenewalRequest("").Validate()));
        Assert.Equal(["csr"], Paths(new RenewalRequest(null!).Validate()));
    }

    [Fact]
    public void RenewalResponse_valid_and_invalid()
    {
        var valid = new RenewalResponse([CertificatePem()], Grant, Grant, Grant, TestData.IssuedAt);

        Assert.Empty(valid.Validate());
        Assert.Empty((valid with { TrustBundle = Bundle() }).Validate());
        Assert.Equal(["trustBundle.keys"], Paths((valid with { TrustBundle = new TrustBundle([]) }).Validate()));
        Assert.Equal(["certificateChainPem", "inbox", "certificateExpiresAt"], Paths(new RenewalResponse(null!, null!, Grant, Grant, default).Validate()));
    }

    [Fact]
    public void NodeReport_valid()
    {
        var report = new NodeReport("node-1", 0, TestData.IssuedAt, null, ReconcileOutcomes.Pending, null, [], "1.0.0", RejectionCounters.None);

        Assert.Empty(report.Validate());
        Assert.Empty((report with
        {
            AppliedVersion = 42,
            ReconcileOutcome = ReconcileOutcomes.Failed,
            Error = "nft: table busy",
            Peers = [new PeerStats(TestData.Key(1), TestData.IssuedAt, 1, 2, "[2001:db8::1]:51820")],
            Rejections = RejectionCounters.None.Increment(RejectionCounters.KeyFor(JwsRejectReason.BadSignature)),
        }).Validate());
    }

    [Fact]
    public void NodeReport_invalid_fields_are_named()
    {
        var report = new NodeReport("", -1, default, 0, "exploded", new string('e', NodeReport.MaxErrorLength + 1),
            [new PeerStats("bad", null, -1, -2, "nowhere"), null!], "", new RejectionCounters(new Dictionary<string, long> { ["bad key"] = 1, ["ok"] = -1 }));

        Assert.Equal(
            ["nodeId", "sequence", "at", "appliedVersion", "reconcileOutcome", "error",
             "peers[0].publicKey", "peers[0].rxBytes", "peers[0].txBytes", "peers[0].endpoint", "peers[1]",
             "agentVersion", "rejections.counts.bad key", "rejections.counts.ok"],
            Paths(report.Validate()));
    }

    [Fact]
    public void Rejection_counter_keys_are_stable_camel_case_names()
    {
        Assert.Equal("jwsBadSignature", RejectionCounters.KeyFor(JwsRejectReason.BadSignature));
        Assert.Equal("olderVersion", RejectionCounters.KeyFor(RejectReason.OlderVersion));
        Assert.Equal("jsonDuplicateMemberNames", RejectionCounters.KeyFor(ProtocolJsonError.DuplicateMemberNames));
        var counters = RejectionCounters.None.Increment("otherNode").Increment("otherNode").Increment(RejectionCounters.PoisonMessage);
        Assert.Equal(2, counters["otherNode"]);
        Assert.Equal(0, counters["olderVersion"]);
        Assert.Equal(3, counters.Total());
        Assert.Empty(RejectionCounters.None.Counts);
        Assert.Empty(counters.Validate());
    }

    [Fact]
    public void Validate_reports_nulls_from_lenient_deserializers_instead_of_throwing()
    {
        // ASP.NET model binding through ProtocolJsonContext leaves missing members null; Validate must cope.
        Assert.NotEmpty(new QueueNotification(null!, 0, null!, null).Validate());
        Assert.Equal(5, new EnrollmentRequest(null!, null!, null!, null!, null!).Validate().Count);
        Assert.NotEmpty(new EnrollmentResponse(null!, null!, null!, null!, null!, null!, default).Validate());
        Assert.NotEmpty(new EnrollmentResponse("n", [null!], new TrustBundle(null!), new SasGrant(null!, default), Grant, Grant, TestData.IssuedAt).Validate());
        Assert.NotEmpty(new RenewalResponse(null!, null!, null!, null!, default, new TrustBundle([null!])).Validate());
        Assert.NotEmpty(new NodeReport(null!, 0, default, null, null!, null, null!, null!, null!).Validate());
        Assert.NotEmpty(new NodeReport("n", 0, TestData.IssuedAt, null, "applied", null, [], "1", new RejectionCounters(null!)).Validate());
        Assert.NotEmpty(new PeerStats(null!, null, 0, 0, null).Validate());
        Assert.NotEmpty(TrustBundle.FromKeys(new Jwk(null!, null!, null!, null!, null!)).Validate());
    }
}

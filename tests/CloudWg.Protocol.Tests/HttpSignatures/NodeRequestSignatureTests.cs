using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CloudWg.Protocol.HttpSignatures;

namespace CloudWg.Protocol.Tests.HttpSignatures;

/// <summary>CloudWg's profile of RFC 9421 for node requests: what the agent sends and what the control plane reads.</summary>
public sealed class NodeRequestSignatureTests : IDisposable
{
    private static readonly Uri Target = new("https://cp.example.net/api/agent/renew");
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    private readonly ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly byte[] certificate;

    public NodeRequestSignatureTests()
    {
        using var self = new CertificateRequest("CN=n1", key, HashAlgorithmName.SHA256).CreateSelfSigned(Now.AddDays(-1), Now.AddDays(1));
        certificate = self.RawData;
    }

    public void Dispose() => key.Dispose();

    [Fact]
    public void A_signed_post_parses_and_verifies_with_the_certificate_key()
    {
        var body = "{\"csr\":\"x\"}"u8.ToArray();
        var headers = Headers(NodeRequestSignature.Sign("POST", Target, body, key, certificate, Now, "AAAAAAAAAAAAAAAAAAAAAA"));

        var parsed = NodeRequestSignature.Parse(Lookup(headers), "POST", out var error);

        Assert.Null(error);
        Assert.NotNull(parsed);
        Assert.Equal(["@method", "@target-uri", "content-digest"], parsed.Components);
        Assert.Equal(Now.ToUnixTimeSeconds(), parsed.Created);
        Assert.Equal("AAAAAAAAAAAAAAAAAAAAAA", parsed.Nonce);
        Assert.Equal(certificate, parsed.CertificateDer);
        Assert.Equal(
            "\"@method\": POST\n\"@target-uri\": https://cp.example.net/api/agent/renew\n" +
            $"\"content-digest\": {ContentDigest.Sha256(body)}\n" +
            $"\"@signature-params\": (\"@method\" \"@target-uri\" \"content-digest\");created=1800000000;nonce=\"AAAAAAAAAAAAAAAAAAAAAA\";alg=\"ecdsa-p256-sha256\";keyid=\"{NodeRequestSignature.Thumbprint(certificate)}\";tag=\"cloudwg-node\"",
            NodeRequestSignature.BaseFor(parsed, "POST", Target.AbsoluteUri, headers["Content-Digest"]));
        using var publicKey = X509CertificateLoader.LoadCertificate(parsed.CertificateDer).GetECDsaPublicKey()!;
        Assert.True(NodeRequestSignature.Verify(publicKey, NodeRequestSignature.BaseFor(parsed, "POST", Target.AbsoluteUri, headers["Content-Digest"]), parsed.Signature));
        Assert.False(NodeRequestSignature.Verify(publicKey, NodeRequestSignature.BaseFor(parsed, "GET", Target.AbsoluteUri, headers["Content-Digest"]), parsed.Signature));
        Assert.False(NodeRequestSignature.Verify(publicKey, NodeRequestSignature.BaseFor(parsed, "POST", "https://cp.example.net/api/agent/desired-state", headers["Content-Digest"]), parsed.Signature));
        Assert.False(NodeRequestSignature.Verify(publicKey, NodeRequestSignature.BaseFor(parsed, "POST", Target.AbsoluteUri, ContentDigest.Sha256("{}"u8)), parsed.Signature));
    }

    [Fact]
    public void A_get_needs_no_digest_and_nonces_are_fresh()
    {
        var first = Headers(NodeRequestSignature.Sign("GET", Target, null, key, certificate, Now));
        var second = Headers(NodeRequestSignature.Sign("GET", Target, null, key, certificate, Now));

        Assert.False(first.ContainsKey("Content-Digest"));
        var a = NodeRequestSignature.Parse(Lookup(first), "GET", out _)!;
        var b = NodeRequestSignature.Parse(Lookup(second), "GET", out _)!;
        Assert.Equal(["@method", "@target-uri"], a.Components);
        Assert.NotEqual(a.Nonce, b.Nonce);
        Assert.Equal(22, a.Nonce.Length);
    }

    [Theory]
    [InlineData("Signature-Input", null, "not signed")]
    [InlineData("Signature", null, "not signed")]
    [InlineData("Signature-Input", "other=(\"@method\" \"@target-uri\");created=1", "no 'cloudwg'")]
    [InlineData("Signature", "cloudwg=(\"x\")", "byte sequence")]
    [InlineData("Signature", "cloudwg=:%%%:", "malformed")]
    [InlineData("Signature-Input", "cloudwg=(\"@method\")", "does not cover @target-uri")]
    [InlineData("Signature-Input", "cloudwg=(\"@method\" \"@target-uri\" \"@method\")", "distinct")]
    [InlineData("Signature-Input", "cloudwg=(\"@method\" \"@target-uri\" \"authorization\");created=1;nonce=\"AAAAAAAAAAAAAAAAAAAAAA\"", "does not use")]
    [InlineData("Signature-Input", "cloudwg=(\"@method\" \"@target-uri\");nonce=\"AAAAAAAAAAAAAAAAAAAAAA\"", "no created")]
    [InlineData("Signature-Input", "cloudwg=(\"@method\" \"@target-uri\");created=1;nonce=\"short\"", "nonce")]
    [InlineData("Signature-Input", "cloudwg=(\"@method\" \"@target-uri\");created=1;nonce=\"AAAAAAAAAAAAAAAAAAAAAA\";alg=\"rsa-pss-sha512\"", "alg")]
    [InlineData("Signature-Input", "cloudwg=(\"@method\" \"@target-uri\");created=1;nonce=\"AAAAAAAAAAAAAAAAAAAAAA\";alg=\"ecdsa-p256-sha256\";tag=\"x\"", "tag")]
    [InlineData("Signature-Input", "cloudwg=(\"@method\" \"@target-uri\");created=1;nonce=\"AAAAAAAAAAAAAAAAAAAAAA\";alg=\"ecdsa-p256-sha256\";tag=\"cloudwg-node\"", "no keyid")]
    [InlineData("Signature-Input", "cloudwg=(\"@method\" \"@target-uri\");created=1;nonce=\"AAAAAAAAAAAAAAAAAAAAAA\";alg=\"ecdsa-p256-sha256\";tag=\"cloudwg-node\";keyid=\"abc\"", "does not name the certificate")]
    [InlineData("CloudWg-Node-Certificate", null, "carries no CloudWg-Node-Certificate")]
    [InlineData("CloudWg-Node-Certificate", "notbinary", "not one certificate")]
    public void A_request_that_does_not_follow_the_profile_is_refused_with_a_reason(string header, string? value, string reason)
    {
        var headers = Headers(NodeRequestSignature.Sign("GET", Target, null, key, certificate, Now));
        if (value is null)
        {
            headers.Remove(header);
        }
        else
        {
            headers[header] = value;
        }

        Assert.Null(NodeRequestSignature.Parse(Lookup(headers), "GET", out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_post_without_a_covered_digest_is_refused()
    {
        var headers = Headers(NodeRequestSignature.Sign("GET", Target, null, key, certificate, Now));

        Assert.Null(NodeRequestSignature.Parse(Lookup(headers), "POST", out var error));
        Assert.Contains("content-digest", error, StringComparison.Ordinal);
    }

    private static Dictionary<string, string> Headers(IEnumerable<KeyValuePair<string, string>> headers) =>
        headers.ToDictionary(h => h.Key, h => h.Value, StringComparer.OrdinalIgnoreCase);

    private static Func<string, IEnumerable<string>?> Lookup(Dictionary<string, string> headers) =>
        name => headers.TryGetValue(name, out var v) ? [v] : null;
}

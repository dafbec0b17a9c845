using System.Security.Cryptography;
using System.Text;
using CloudWg.Protocol.Jws;
using static CloudWg.Protocol.Tests.Jws.JwsTestKit;
using JwsCompact = CloudWg.Protocol.Jws.Jws;

namespace CloudWg.Protocol.Tests.Jws;

/// <summary>One or more cases per <see cref="JwsRejectReason"/>, plus the happy paths.</summary>
public sealed class JwsVerifierTests : IDisposable
{
    private const string Payload = "{\"nodeId\":\"node-1\",\"version\":1}";
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly JwsVerifier _verifier;

    public JwsVerifierTests()
    {
        _verifier = new JwsVerifier(TrustBundle.FromKeys(Jwk.FromECDsa(_key, "k1")));
    }

    public void Dispose() => _key.Dispose();

    private string Valid(string payload = Payload, string typ = JwsTypes.DesiredState) => SignRaw(_key, Header("k1", typ), payload);

    private JwsRejectReason? Reason(string compact, string typ = JwsTypes.DesiredState) => _verifier.Verify(compact, typ).Reason;

    [Fact]
    public async Task A_document_signed_by_the_pinned_key_verifies_and_yields_header_and_exact_payload()
    {
        using var signer = new EcdsaJwsSigner(ECDsa.Create(ECCurve.NamedCurves.nistP256), "ctl-2026");
        var verifier = new JwsVerifier(TrustBundle.FromKeys(signer.PublicJwk));
        var payload = Encoding.UTF8.GetBytes(Payload);

        var compact = await JwsCompact.SignAsync(signer, payload, JwsTypes.DesiredState, TestContext.Current.CancellationToken);
        var result = verifier.Verify(compact, JwsTypes.DesiredState);

        Assert.True(result.IsValid, result.ToString());
        Assert.Equal(payload, result.Payload);
        Assert.Equal(new JwsHeader("ES256", "ctl-2026", JwsTypes.DesiredState), result.Header);
        Assert.Equal(3, compact.Split('.').Length);
        Assert.True(Base64UrlStrict.TryDecode(compact.Split('.')[2], out var signature));
        Assert.Equal(64, signature.Length);
    }

    [Fact]
    public void During_rotation_documents_signed_by_either_pinned_key_verify()
    {
        using var next = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var verifier = new JwsVerifier(TrustBundle.FromKeys(Jwk.FromECDsa(_key, "k1"), Jwk.FromECDsa(next, "k2")));

        Assert.True(verifier.Verify(SignRaw(_key, Header("k1"), Payload), JwsTypes.DesiredState).IsValid);
        Assert.True(verifier.Verify(SignRaw(next, Header("k2"), Payload), JwsTypes.DesiredState).IsValid);
    }

    [Theory]
    [InlineData("none")]
    [InlineData("HS256")]
    [InlineData("RS256")]
    [InlineData("ES384")]
    [InlineData("es256")]
    [InlineData("")]
    public void AlgorithmNotAllowed_for_any_alg_but_ES256(string alg)
    {
        var compact = SignRaw(_key, Header("k1", alg: alg), Payload);

        Assert.Equal(JwsRejectReason.AlgorithmNotAllowed, Reason(compact));
    }

    [Fact]
    public void AlgorithmNotAllowed_for_an_unsigned_alg_none_token()
    {
        var compact = B64(Header("k1", alg: "none")) + "." + B64(Payload) + ".";

        Assert.Equal(JwsRejectReason.AlgorithmNotAllowed, Reason(compact));
    }

    [Fact]
    public void AlgorithmNotAllowed_for_hs256_keyed_with_the_public_key()
    {
        // The classic confusion attack: HMAC "keyed" with the verifier's public key bytes.
        var signingInput = B64(Header("k1", alg: "HS256")) + "." + B64(Payload);
        var publicKey = _key.ExportSubjectPublicKeyInfo();
        var mac = HMACSHA256.HashData(publicKey, Encoding.ASCII.GetBytes(signingInput));

        Assert.Equal(JwsRejectReason.AlgorithmNotAllowed, Reason(signingInput + "." + B64(mac)));
    }

    [Fact]
    public void UnknownKeyId_when_the_kid_is_not_pinned()
    {
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        Assert.Equal(JwsRejectReason.UnknownKeyId, Reason(SignRaw(other, Header("k9"), Payload)));
    }

    [Fact]
    public void BadSignature_when_another_key_signs_under_a_pinned_kid()
    {
        using var attacker = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        Assert.Equal(JwsRejectReason.BadSignature, Reason(SignRaw(attacker, Header("k1"), Payload)));
    }

    [Fact]
    public void BadSignature_when_the_signature_is_der_instead_of_r_concat_s()
    {
        var signingInput = B64(Header("k1")) + "." + B64(Payload);
        var der = _key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

        Assert.Equal(JwsRejectReason.BadSignature, Reason(signingInput + "." + B64(der)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(63)]
    [InlineData(65)]
    public void BadSignature_when_the_signature_has_the_wrong_length(int length)
    {
        var signingInput = B64(Header("k1")) + "." + B64(Payload);

        Assert.Equal(JwsRejectReason.BadSignature, Reason(signingInput + "." + B64(new byte[length])));
    }

    [Fact]
    public void BadSignature_when_the_payload_is_swapped_for_another_signed_payload()
    {
        var first = Valid().Split('.');
        var second = Valid("{\"nodeId\":\"node-1\",\"version\":999}").Split('.');

        Assert.Equal(JwsRejectReason.BadSignature, Reason($"{first[0]}.{second[1]}.{first[2]}"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("a.b")]
    [InlineData("a.b.c.d")]
    [InlineData("a.b.c.d.e")]
    [InlineData("..")]
    [InlineData("...")]
    public void WrongSegmentCount_unless_exactly_three_segments(string compact)
    {
        var reason = Reason(compact);

        Assert.Equal(compact.Length == 0 || compact == ".." ? JwsRejectReason.Malformed : JwsRejectReason.WrongSegmentCount, reason);
    }

    [Fact]
    public void WrongSegmentCount_for_a_valid_jws_with_an_extra_segment()
    {
        Assert.Equal(JwsRejectReason.WrongSegmentCount, Reason(Valid() + ".AAAA"));
        Assert.Equal(JwsRejectReason.WrongSegmentCount, Reason("AAAA." + Valid()));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void NonCanonicalBase64Url_for_padding_in_any_segment(int segment)
    {
        var parts = Valid().Split('.');
        parts[segment] += "==";

        Assert.Equal(JwsRejectReason.NonCanonicalBase64Url, Reason(string.Join('.', parts)));
    }

    [Fact]
    public void NonCanonicalBase64Url_for_the_standard_alphabet()
    {
        // A header whose base64 contains '+' or '/' in the standard alphabet ("?>" encodes to "Pz4").
        var header = Convert.ToBase64String(Encoding.UTF8.GetBytes("{\"alg\":\"ES256\",\"kid\":\"k1\",\"typ\":\"a??>>\"}")).TrimEnd('=');
        Assert.True(header.Contains('+', StringComparison.Ordinal) || header.Contains('/', StringComparison.Ordinal));

        Assert.Equal(JwsRejectReason.NonCanonicalBase64Url, Reason(header + "." + B64(Payload) + "." + B64(new byte[64])));
    }

    [Fact]
    public void NonCanonicalBase64Url_for_non_zero_unused_trailing_bits()
    {
        // 64 bytes encode to 86 characters; the last one carries 4 unused bits. "A" → "B" sets one of them.
        var parts = Valid().Split('.');
        var signature = parts[2];
        var last = signature[^1];
        var sextet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".IndexOf(last, StringComparison.Ordinal);
        var respelled = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"[sextet | 1];
        Assert.NotEqual(last, respelled);

        // Same bytes, different text: without the canonical check this would verify.
        Assert.True(Convert.TryFromBase64String((signature[..^1] + respelled).Replace('-', '+').Replace('_', '/') + "==", new byte[66], out _));
        Assert.Equal(JwsRejectReason.NonCanonicalBase64Url, Reason($"{parts[0]}.{parts[1]}.{signature[..^1]}{respelled}"));
    }

    [Fact]
    public void Oversized_beyond_the_configured_maximum()
    {
        var verifier = new JwsVerifier(TrustBundle.FromKeys(Jwk.FromECDsa(_key, "k1")), maxLength: 200);
        var small = Valid();
        var large = Valid("{\"pad\":\"" + new string('x', 300) + "\"}");

        Assert.Equal(JwsRejectReason.Oversized, verifier.Verify(large, JwsTypes.DesiredState).Reason);
        Assert.True(_verifier.Verify(large, JwsTypes.DesiredState).IsValid);
        Assert.True(small.Length > 200 || verifier.Verify(small, JwsTypes.DesiredState).IsValid);
    }

    [Fact]
    public void Oversized_beyond_the_default_of_one_mebibyte()
    {
        var huge = new string('A', JwsVerifier.DefaultMaxLength + 1);

        Assert.Equal(1024 * 1024, JwsVerifier.DefaultMaxLength);
        Assert.Equal(JwsRejectReason.Oversized, Reason(huge));
        Assert.Equal(JwsRejectReason.WrongSegmentCount, new JwsVerifier(TrustBundle.FromKeys(Jwk.FromECDsa(_key, "k1")), JwsVerifier.LargeDesiredStateMaxLength).Verify(huge, JwsTypes.DesiredState).Reason);
    }

    [Fact]
    public void DuplicateMemberNames_in_the_header()
    {
        var header = "{\"alg\":\"ES256\",\"alg\":\"none\",\"kid\":\"k1\",\"typ\":\"" + JwsTypes.DesiredState + "\"}";

        Assert.Equal(JwsRejectReason.DuplicateMemberNames, Reason(SignRaw(_key, header, Payload)));
    }

    [Fact]
    public void DuplicateMemberNames_in_a_correctly_signed_payload()
    {
        Assert.Equal(JwsRejectReason.DuplicateMemberNames, Reason(Valid("{\"nodeId\":\"node-1\",\"nodeId\":\"node-2\"}")));
        Assert.Equal(JwsRejectReason.DuplicateMemberNames, Reason(Valid("{\"a\":[{\"b\":1,\"\\u0062\":2}]}")));
    }

    [Fact]
    public void WrongType_when_a_report_is_presented_as_a_desired_state()
    {
        var report = Valid(typ: JwsTypes.Report);

        Assert.Equal(JwsRejectReason.WrongType, Reason(report, JwsTypes.DesiredState));
        Assert.True(_verifier.Verify(report, JwsTypes.Report).IsValid);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("{\"alg\":\"ES256\",\"typ\":\"cloudwg-desired-state+jws\"}")]
    [InlineData("{\"alg\":\"ES256\",\"kid\":\"k1\"}")]
    [InlineData("{\"kid\":\"k1\",\"typ\":\"cloudwg-desired-state+jws\"}")]
    [InlineData("{\"alg\":\"ES256\",\"kid\":1,\"typ\":\"cloudwg-desired-state+jws\"}")]
    [InlineData("{\"alg\":\"ES256\",\"crit\":[\"b64\"],\"kid\":\"k1\",\"typ\":\"cloudwg-desired-state+jws\"}")]
    [InlineData("{\"alg\":\"ES256\",\"jwk\":{},\"kid\":\"k1\",\"typ\":\"cloudwg-desired-state+jws\"}")]
    [InlineData("{\"alg\":\"ES256\",\"kid\":\"k1\",\"typ\":\"cloudwg-desired-state+jws\"} trailing")]
    public void Malformed_headers(string header)
    {
        Assert.Equal(JwsRejectReason.Malformed, Reason(SignRaw(_key, header, Payload)));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"a\":1")]
    [InlineData("{\"a\":1}{\"b\":2}")]
    public void Malformed_when_a_correctly_signed_payload_is_not_json(string payload)
    {
        Assert.Equal(JwsRejectReason.Malformed, Reason(Valid(payload)));
    }

    [Fact]
    public void Malformed_for_empty_payload_invalid_characters_impossible_lengths_and_non_ascii()
    {
        var parts = Valid().Split('.');

        Assert.Equal(JwsRejectReason.Malformed, Reason($"{parts[0]}..{parts[2]}"));
        Assert.Equal(JwsRejectReason.Malformed, Reason($"{parts[0]}.{parts[1]}!.{parts[2]}"));
        Assert.Equal(JwsRejectReason.Malformed, Reason($"{parts[0]}.{parts[1]} .{parts[2]}"));
        Assert.Equal(JwsRejectReason.Malformed, Reason($"{parts[0]}.{parts[1]}é.{parts[2]}"));
        Assert.Equal(JwsRejectReason.Malformed, Reason($"{parts[0]}.A.{parts[2]}"));
        Assert.Equal(JwsRejectReason.Malformed, Reason($"{parts[0]}.AAAAA.{parts[2]}"));
        Assert.Equal(JwsRejectReason.Malformed, Reason(null!));
    }

    [Fact]
    public void The_verifier_refuses_an_invalid_trust_bundle_up_front()
    {
        Assert.Throws<ArgumentException>(() => new JwsVerifier(new TrustBundle([])));
        Assert.Throws<ArgumentException>(() => new JwsVerifier(TrustBundle.FromKeys(Jwk.FromECDsa(_key, "k1"), Jwk.FromECDsa(_key, "k1"))));
        Assert.Throws<ArgumentException>(() => new JwsVerifier(TrustBundle.FromKeys(new Jwk("EC", "P-256", "AAAA", "AAAA", "k1"))));
    }
}

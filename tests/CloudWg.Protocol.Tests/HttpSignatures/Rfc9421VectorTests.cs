using System.Security.Cryptography;
using CloudWg.Protocol.HttpSignatures;

namespace CloudWg.Protocol.Tests.HttpSignatures;

/// <summary>The signature base, structured fields and ECDSA verification against the published examples of RFC 9421 and RFC 9530.</summary>
public sealed class Rfc9421VectorTests
{
    /// <summary>RFC 9421 Appendix B.1.3, <c>test-key-ecc-p256</c>, public half.</summary>
    private const string EccP256PublicKey = """
        -----BEGIN PUBLIC KEY-----
        MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEqIVYZVLCrPZHGHjP17CTW0/+D9Lf
        w0EkjqF7xB4FivAxzic30tMM4GF+hR6Dxh71Z50VGGdldkkDXZCnTNnoXQ==
        -----END PUBLIC KEY-----
        """;

    /// <summary>RFC 9421 Appendix B.2.4: the test response signed with ecdsa-p256-sha256.</summary>
    private const string B24SignatureInput = "sig-b24=(\"@status\" \"content-type\" \"content-digest\" \"content-length\");created=1618884473;keyid=\"test-key-ecc-p256\"";
    private const string B24Signature = "sig-b24=:wNmSUAhwb5LxtOtOpNa6W5xj067m5hFrj0XQ4fvpaCLx0NKocgPquLgyahnzDnDAUy5eCdlYUEkLIj+32oiasw==:";
    private const string B24ContentDigest = "sha-512=:mEWXIS7MaLRuGgxOBdODa3xqM1XdEvxoYhvlCFJ41QJgJc4GTsPp29l5oGX69wWdXymyU0rjJuahq4l5aGgfLQ==:";

    private const string B24Base = """
        "@status": 200
        "content-type": application/json
        "content-digest": sha-512=:mEWXIS7MaLRuGgxOBdODa3xqM1XdEvxoYhvlCFJ41QJgJc4GTsPp29l5oGX69wWdXymyU0rjJuahq4l5aGgfLQ==:
        "content-length": 23
        "@signature-params": ("@status" "content-type" "content-digest" "content-length");created=1618884473;keyid="test-key-ecc-p256"
        """;

    [Fact]
    public void Content_digest_of_the_rfc_9530_example_body()
    {
        // RFC 9530 §2: {"hello": "world"} → sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:
        var body = "{\"hello\": \"world\"}"u8;

        Assert.Equal("sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:", ContentDigest.Sha256(body));
        Assert.True(ContentDigest.Matches("sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:, sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:", body, out _));
        Assert.False(ContentDigest.Matches("sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:", "{\"hello\": \"World\"}"u8, out var error));
        Assert.Contains("does not match", error, StringComparison.Ordinal);
        Assert.False(ContentDigest.Matches("sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:", body, out error));
        Assert.Contains("no sha-256", error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_b24_signature_base_is_built_exactly_and_its_published_signature_verifies()
    {
        var input = StructuredFields.ParseDictionary(B24SignatureInput)["sig-b24"];
        var components = new List<KeyValuePair<string, string>>
        {
            new("@status", "200"),
            new("content-type", "application/json"),
            new("content-digest", B24ContentDigest),
            new("content-length", "23"),
        };
        Assert.Equal(components.Select(c => c.Key), input.Items!.Select(i => (string)i.Value));

        var signatureBase = SignatureBase.Create(components, input.Parameters);

        Assert.Equal(B24Base.ReplaceLineEndings("\n"), signatureBase);
        using var key = ECDsa.Create();
        key.ImportFromPem(EccP256PublicKey);
        var signature = (byte[])StructuredFields.ParseDictionary(B24Signature)["sig-b24"].Value!;
        Assert.True(NodeRequestSignature.Verify(key, signatureBase, signature));
        Assert.False(NodeRequestSignature.Verify(key, signatureBase.Replace("200", "201", StringComparison.Ordinal), signature));
        signature[10] ^= 1;
        Assert.False(NodeRequestSignature.Verify(key, signatureBase, signature));
    }

    [Fact]
    public void The_b26_request_base_covers_header_fields_and_derived_components()
    {
        // RFC 9421 Appendix B.2.6 (the base of the ed25519 example; the algorithm does not enter the base).
        var parameters = StructuredFields.ParseDictionary("sig-b26=(\"date\" \"@method\" \"@path\" \"@authority\" \"content-type\" \"content-length\");created=1618884473;keyid=\"test-key-ed25519\"")["sig-b26"].Parameters;
        var components = new List<KeyValuePair<string, string>>
        {
            new("date", SignatureBase.FieldValue(["  Tue, 20 Apr 2021 02:07:55 GMT "])!),
            new("@method", "POST"),
            new("@path", "/foo"),
            new("@authority", "example.com"),
            new("content-type", "application/json"),
            new("content-length", "18"),
        };

        Assert.Equal(
            "\"date\": Tue, 20 Apr 2021 02:07:55 GMT\n\"@method\": POST\n\"@path\": /foo\n\"@authority\": example.com\n" +
            "\"content-type\": application/json\n\"content-length\": 18\n" +
            "\"@signature-params\": (\"date\" \"@method\" \"@path\" \"@authority\" \"content-type\" \"content-length\");created=1618884473;keyid=\"test-key-ed25519\"",
            SignatureBase.Create(components, parameters));
    }

    [Fact]
    public void Target_uri_is_the_absolute_uri_of_rfc_9421_section_2_2_2()
    {
        Assert.Equal("https://www.example.com/path?param=value", new Uri("https://www.example.com/path?param=value").AbsoluteUri);
    }

    [Fact]
    public void Field_values_of_repeated_lines_are_trimmed_and_joined()
    {
        // RFC 9421 §2.1: each line's leading and trailing whitespace goes, inner whitespace stays, lines join with ", ".
        Assert.Equal("a=1,    b=2;x=1;y=2, c=(a   b   c)", SignatureBase.FieldValue(["  a=1,    b=2;x=1;y=2", "   c=(a   b   c)  "]));
        Assert.Null(SignatureBase.FieldValue([]));
    }

    [Theory]
    [InlineData("sig1=(\"@method\"", "not closed or separated")]
    [InlineData("sig1=(\"@method\")", null)]
    [InlineData("Sig1=(\"@method\")", "key")]
    [InlineData("sig1=(\"@method\");created=1.5", "Decimals")]
    [InlineData("sig1=:not base64!:", "base64")]
    [InlineData("sig1=(\"@method\"),", "comma")]
    [InlineData("sig1=(\"a\\x\")", "escape")]
    public void Structured_field_dictionaries_parse_strictly(string field, string? error)
    {
        if (error is null)
        {
            Assert.Single(StructuredFields.ParseDictionary(field));
            return;
        }

        var e = Assert.ThrowsAny<FormatException>(() => StructuredFields.ParseDictionary(field));
        Assert.True(error.Split(' ').Any(word => e.Message.Contains(word, StringComparison.OrdinalIgnoreCase)), e.Message);
    }

    [Fact]
    public void Inner_lists_serialize_back_as_they_were_read()
    {
        var member = StructuredFields.ParseDictionary(B24SignatureInput)["sig-b24"];

        Assert.Equal(B24SignatureInput["sig-b24=".Length..], StructuredFields.SerializeInnerList(member.Items!.Select(i => (string)i.Value), member.Parameters));
    }
}

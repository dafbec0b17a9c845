using System.Text;
using CloudWg.Protocol.Json;
using CloudWg.Protocol.Jws;
using JwsCompact = CloudWg.Protocol.Jws.Jws;

namespace CloudWg.Protocol.Tests.Golden;

/// <summary>
/// Fixed key + fixed document → fixed canonical bytes, hash and a stored signature that verifies. ECDSA signatures
/// are randomized, so the stored JWS is checked by verifying it, not by re-signing.
/// </summary>
public sealed class GoldenVectorTests
{
    private static EcdsaJwsSigner GoldenSigner() => EcdsaJwsSigner.FromPem(GoldenFiles.ReadText(GoldenFiles.SigningKey), GoldenFiles.SigningKeyId);

    public GoldenVectorTests()
    {
        if (!GoldenFiles.Regenerate)
        {
            return;
        }

        using var signer = GoldenSigner();
        var canonical = CanonicalJson.Serialize(TestData.Golden());
        GoldenFiles.Write(GoldenFiles.CanonicalDesiredState, canonical);
        GoldenFiles.Write(GoldenFiles.DesiredStateSha256, Encoding.ASCII.GetBytes(ContentHash.Sha256Hex(canonical)));
        var jws = JwsCompact.SignAsync(signer, canonical, JwsTypes.DesiredState).AsTask().GetAwaiter().GetResult();
        GoldenFiles.Write(GoldenFiles.DesiredStateJws, Encoding.ASCII.GetBytes(jws));
        GoldenFiles.Write(GoldenFiles.TrustBundle, CanonicalJson.Serialize(TrustBundle.FromKeys(signer.PublicJwk)));
    }

    [Fact]
    public void Canonical_bytes_of_the_golden_document_match_byte_for_byte()
    {
        var expected = GoldenFiles.ReadBytes(GoldenFiles.CanonicalDesiredState);

        var actual = CanonicalJson.Serialize(TestData.Golden());

        Assert.Equal(Encoding.UTF8.GetString(expected), Encoding.UTF8.GetString(actual));
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Golden_hash_is_the_sha256_of_the_canonical_bytes()
    {
        var expected = GoldenFiles.ReadText(GoldenFiles.DesiredStateSha256);

        Assert.Equal(expected, ContentHash.Sha256Hex(CanonicalJson.Serialize(TestData.Golden())));
    }

    [Fact]
    public void Golden_canonical_bytes_read_back_and_rewrite_identically()
    {
        var bytes = GoldenFiles.ReadBytes(GoldenFiles.CanonicalDesiredState);

        var state = CanonicalJson.Deserialize(bytes);

        Assert.Equal(bytes, CanonicalJson.Serialize(state));
        Assert.True(CanonicalJson.IsCanonical(bytes));
        Assert.Equal(42, state.Version);
        Assert.Equal(TestData.Golden().IssuedAt, state.IssuedAt);
    }

    [Fact]
    public void Golden_jws_verifies_with_the_golden_public_key_and_carries_the_canonical_bytes()
    {
        using var signer = GoldenSigner();
        var verifier = new JwsVerifier(TrustBundle.FromKeys(signer.PublicJwk));

        var result = verifier.Verify(GoldenFiles.ReadText(GoldenFiles.DesiredStateJws), JwsTypes.DesiredState);

        Assert.True(result.IsValid, result.ToString());
        Assert.Equal(GoldenFiles.ReadBytes(GoldenFiles.CanonicalDesiredState), result.Payload);
        Assert.Equal(new JwsHeader("ES256", "golden-1", JwsTypes.DesiredState), result.Header);
    }

    [Fact]
    public void Golden_jws_header_is_the_canonical_alg_kid_typ_object()
    {
        var header = GoldenFiles.ReadText(GoldenFiles.DesiredStateJws).Split('.')[0];

        Assert.True(Base64UrlStrict.TryDecode(header, out var bytes));
        Assert.Equal("{\"alg\":\"ES256\",\"kid\":\"golden-1\",\"typ\":\"cloudwg-desired-state+jws\"}", Encoding.UTF8.GetString(bytes));
    }

    [Fact]
    public void Golden_trust_bundle_file_round_trips_and_verifies_the_golden_jws()
    {
        var bytes = GoldenFiles.ReadBytes(GoldenFiles.TrustBundle);

        var bundle = CanonicalJson.Deserialize<TrustBundle>(bytes);

        Assert.Equal(bytes, CanonicalJson.Serialize(bundle));
        Assert.Empty(bundle.Validate());
        Assert.True(new JwsVerifier(bundle).Verify(GoldenFiles.ReadText(GoldenFiles.DesiredStateJws), JwsTypes.DesiredState).IsValid);
    }

    [Fact]
    public void Golden_document_is_valid()
    {
        Assert.Empty(CloudWg.Protocol.Validation.DesiredStateValidator.Validate(TestData.Golden()));
    }
}

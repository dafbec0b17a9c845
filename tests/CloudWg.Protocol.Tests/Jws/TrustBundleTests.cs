using System.Security.Cryptography;
using CloudWg.Protocol.Json;
using CloudWg.Protocol.Jws;

namespace CloudWg.Protocol.Tests.Jws;

public sealed class TrustBundleTests
{
    [Fact]
    public void A_jwk_round_trips_to_an_equivalent_verifying_key()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var jwk = Jwk.FromECDsa(key, "k1");

        using var imported = jwk.ToECDsa();

        Assert.Equal(key.ExportSubjectPublicKeyInfo(), imported.ExportSubjectPublicKeyInfo());
        Assert.Equal(("EC", "P-256", 43, 43), (jwk.Kty, jwk.Crv, jwk.X.Length, jwk.Y.Length));
        Assert.Empty(jwk.Validate());
    }

    [Fact]
    public void A_bundle_serializes_as_jwks_and_reads_back()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var bundle = TrustBundle.FromKeys(Jwk.FromECDsa(key, "k1"));

        var json = System.Text.Encoding.UTF8.GetString(CanonicalJson.Serialize(bundle));
        var back = CanonicalJson.Deserialize<TrustBundle>(System.Text.Encoding.UTF8.GetBytes(json));

        Assert.StartsWith("{\"keys\":[{\"crv\":\"P-256\",\"kid\":\"k1\",\"kty\":\"EC\",\"x\":\"", json, StringComparison.Ordinal);
        Assert.Equal(bundle.Keys[0], back.Keys[0]);
        Assert.Equal(bundle.Keys[0], back.Find("k1"));
        Assert.Null(back.Find("k2"));
    }

    [Fact]
    public void Validation_names_each_bad_field()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var good = Jwk.FromECDsa(key, "k1");

        Assert.Contains(new TrustBundle([]).Validate(), e => e.Path == "keys");
        Assert.Contains(TrustBundle.FromKeys(good, good).Validate(), e => e.Path == "keys[1].kid");
        Assert.Contains(TrustBundle.FromKeys(good with { Kty = "RSA" }).Validate(), e => e.Path == "keys[0].kty");
        Assert.Contains(TrustBundle.FromKeys(good with { Crv = "P-384" }).Validate(), e => e.Path == "keys[0].crv");
        Assert.Contains(TrustBundle.FromKeys(good with { Kid = "has space" }).Validate(), e => e.Path == "keys[0].kid");
        Assert.Contains(TrustBundle.FromKeys(good with { X = "AAAA" }).Validate(), e => e.Path == "keys[0].x");
        Assert.Contains(TrustBundle.FromKeys(good with { Y = good.Y + "=" }).Validate(), e => e.Path == "keys[0].y");
        Assert.Contains(TrustBundle.FromKeys(good with { Y = good.X }).Validate(), e => e.Path == "keys[0].x");
        Assert.Contains((TrustBundle.FromKeys(good) with { RootCertificatesPem = ["nope"] }).Validate(), e => e.Path == "rootCertificatesPem[0]");
        Assert.Empty(TrustBundle.FromKeys(good).Validate());
    }

    [Theory]
    [InlineData("", true)]
    [InlineData("AA", true)]
    [InlineData("AQ", true)]
    [InlineData("AR", false)]
    [InlineData("AAA", true)]
    [InlineData("AAB", false)]
    [InlineData("A", false)]
    [InlineData("AA==", false)]
    [InlineData("+/+/", false)]
    [InlineData("-_-_", true)]
    [InlineData("AA AA", false)]
    public void Base64url_decoding_accepts_only_canonical_text(string text, bool ok)
    {
        Assert.Equal(ok, Base64UrlStrict.TryDecode(text, out _));
    }
}

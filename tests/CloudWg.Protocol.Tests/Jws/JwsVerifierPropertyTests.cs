using System.Security.Cryptography;
using System.Text;
using CloudWg.Protocol.Jws;
using CsCheck;
using static CloudWg.Protocol.Tests.Jws.JwsTestKit;

namespace CloudWg.Protocol.Tests.Jws;

/// <summary>The verifier returns a result for every input; it never throws.</summary>
public sealed class JwsVerifierPropertyTests : IDisposable
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly JwsVerifier _verifier;
    private readonly string _valid;

    public JwsVerifierPropertyTests()
    {
        _verifier = new JwsVerifier(TrustBundle.FromKeys(Jwk.FromECDsa(_key, "k1")), maxLength: 4096);
        _valid = SignRaw(_key, Header("k1"), "{\"nodeId\":\"node-1\",\"version\":7}");
    }

    public void Dispose() => _key.Dispose();

    private static readonly Gen<string> Alphabet = Gen.Char["ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ !\u00e9\0"]
        .Array[0, 120].Select(c => new string(c));

    private static readonly Gen<string> JsonishText = Gen.OneOf(
        Gen.Const("{\"alg\":\"ES256\",\"kid\":\"k1\",\"typ\":\"cloudwg-desired-state+jws\"}"),
        Gen.Const("{\"alg\":\"none\"}"),
        Gen.Const("{\"alg\":\"ES256\",\"kid\":\"k1\",\"typ\":\"cloudwg-desired-state+jws\",\"kid\":\"k2\"}"),
        Gen.Const("{\"alg\":\"ES256\",\"kid\":\"k1\",\"typ\":\"cloudwg-desired-state+jws\",\"x\":" + new string('[', 100) + new string(']', 100) + "}"),
        Gen.Const("\"\\ud800\""),
        Gen.Const("{\"alg\":{\"a\":1},\"kid\":[],\"typ\":null}"),
        Generators.Text);

    [Fact]
    public void Random_text_never_throws_and_never_verifies()
    {
        Gen.OneOf(Alphabet, Generators.Text, Gen.String).Sample(text =>
        {
            var result = _verifier.Verify(text, JwsTypes.DesiredState);
            Assert.False(result.IsValid);
            Assert.NotNull(result.Reason);
        }, iter: 3000);
    }

    [Fact]
    public void Random_segments_built_from_random_json_and_bytes_never_throw_and_never_verify()
    {
        Gen.Select(JsonishText, JsonishText, Gen.Byte.Array[0, 80]).Sample((header, payload, signature) =>
        {
            var compact = B64(header) + "." + B64(payload) + "." + B64(signature);
            Assert.False(_verifier.Verify(compact, JwsTypes.DesiredState).IsValid);
        }, iter: 2000);
    }

    [Fact]
    public void Random_edits_of_a_valid_jws_never_throw_and_verify_only_when_nothing_changed()
    {
        var edit = Gen.Select(Gen.Int[0, 3], Gen.Int[0, _valid.Length], Gen.Char[(char)0, (char)0x7F]);
        edit.Array[1, 4].Sample(edits =>
        {
            var text = new StringBuilder(_valid);
            foreach (var (kind, rawPosition, c) in edits)
            {
                var position = Math.Min(rawPosition, text.Length);
                switch (kind)
                {
                    case 0:
                        text.Insert(position, c);
                        break;
                    case 1 when text.Length > 0:
                        text.Remove(Math.Min(position, text.Length - 1), 1);
                        break;
                    default:
                        if (text.Length > 0)
                        {
                            text[Math.Min(position, text.Length - 1)] = c;
                        }

                        break;
                }
            }

            var candidate = text.ToString();
            var result = _verifier.Verify(candidate, JwsTypes.DesiredState);
            Assert.Equal(candidate == _valid, result.IsValid);
        }, iter: 3000);
    }

    [Fact]
    public void Null_and_odd_expected_types_never_throw()
    {
        Assert.False(_verifier.Verify(null!, JwsTypes.DesiredState).IsValid);
        Assert.Equal(JwsRejectReason.WrongType, _verifier.Verify(_valid, null!).Reason);
        Assert.Equal(JwsRejectReason.WrongType, _verifier.Verify(_valid, string.Empty).Reason);
    }
}

using System.Text;
using CloudWg.Protocol.Jws;
using CloudWg.Protocol.Tests.Golden;

namespace CloudWg.Protocol.Tests.Jws;

/// <summary>Any single changed byte of header, payload or signature must be rejected.</summary>
public sealed class JwsTamperTests
{
    private static readonly string GoldenJws = GoldenFiles.ReadText(GoldenFiles.DesiredStateJws);

    private static JwsVerifier GoldenVerifier()
    {
        using var signer = EcdsaJwsSigner.FromPem(GoldenFiles.ReadText(GoldenFiles.SigningKey), GoldenFiles.SigningKeyId);
        return new JwsVerifier(TrustBundle.FromKeys(signer.PublicJwk));
    }

    [Fact]
    public void Every_single_bit_flip_of_every_character_is_rejected()
    {
        var verifier = GoldenVerifier();
        Assert.True(verifier.Verify(GoldenJws, JwsTypes.DesiredState).IsValid);
        var chars = GoldenJws.ToCharArray();
        var accepted = new List<string>();

        for (var i = 0; i < chars.Length; i++)
        {
            var original = chars[i];
            for (var bit = 0; bit < 8; bit++)
            {
                chars[i] = (char)(original ^ (1 << bit));
                var result = verifier.Verify(new string(chars), JwsTypes.DesiredState);
                if (result.IsValid)
                {
                    accepted.Add($"position {i}, bit {bit}");
                }
            }

            chars[i] = original;
        }

        Assert.Empty(accepted);
    }

    [Fact]
    public void Every_single_byte_change_of_the_decoded_header_payload_and_signature_is_rejected()
    {
        var verifier = GoldenVerifier();
        var parts = GoldenJws.Split('.');
        var accepted = new List<string>();

        for (var segment = 0; segment < 3; segment++)
        {
            Assert.True(Base64UrlStrict.TryDecode(parts[segment], out var bytes));
            for (var i = 0; i < bytes.Length; i++)
            {
                foreach (var delta in new byte[] { 0x01, 0xFF })
                {
                    var tampered = (byte[])bytes.Clone();
                    tampered[i] ^= delta;
                    var copy = (string[])parts.Clone();
                    copy[segment] = Base64UrlStrict.Encode(tampered);
                    var result = verifier.Verify(string.Join('.', copy), JwsTypes.DesiredState);
                    if (result.IsValid)
                    {
                        accepted.Add($"segment {segment}, byte {i}, xor {delta:x2}");
                    }
                    else
                    {
                        Assert.NotEqual(JwsRejectReason.NonCanonicalBase64Url, result.Reason);
                    }
                }
            }
        }

        Assert.Empty(accepted);
    }

    [Fact]
    public void Truncating_or_extending_any_segment_is_rejected()
    {
        var verifier = GoldenVerifier();
        var parts = GoldenJws.Split('.');

        for (var segment = 0; segment < 3; segment++)
        {
            var copy = (string[])parts.Clone();
            copy[segment] = parts[segment][..^1];
            Assert.False(verifier.Verify(string.Join('.', copy), JwsTypes.DesiredState).IsValid);
            copy[segment] = parts[segment] + "A";
            Assert.False(verifier.Verify(string.Join('.', copy), JwsTypes.DesiredState).IsValid);
            copy[segment] = parts[segment] + "AAAA";
            Assert.False(verifier.Verify(string.Join('.', copy), JwsTypes.DesiredState).IsValid);
        }

        Assert.Equal(Encoding.ASCII.GetByteCount(GoldenJws), GoldenJws.Length);
    }
}

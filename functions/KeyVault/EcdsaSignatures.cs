using System.Formats.Asn1;

namespace CloudWg.Functions.KeyVault;

/// <summary>Conversion of ES256 signatures from IEEE P1363 (r‖s, what Key Vault and JWS use) to DER (what X.509 uses).</summary>
public static class EcdsaSignatures
{
    public static byte[] ToDer(ReadOnlySpan<byte> rs)
    {
        if (rs.Length == 0 || rs.Length % 2 != 0)
        {
            throw new ArgumentException("An r‖s signature has two halves of equal length.", nameof(rs));
        }

        var half = rs.Length / 2;
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteIntegerUnsigned(TrimLeadingZeros(rs[..half]));
            writer.WriteIntegerUnsigned(TrimLeadingZeros(rs[half..]));
        }

        return writer.Encode();
    }

    private static ReadOnlySpan<byte> TrimLeadingZeros(ReadOnlySpan<byte> value)
    {
        var start = 0;
        while (start < value.Length - 1 && value[start] == 0)
        {
            start++;
        }

        return value[start..];
    }
}

namespace CloudWg.Protocol.Validation;

/// <summary>WireGuard keys (Curve25519 public keys, preshared keys): 32 bytes in standard, padded base64 (44 characters).</summary>
public static class WireGuardKey
{
    /// <summary>Length in bytes of a key.</summary>
    public const int KeyLength = 32;

    /// <summary>The rule, phrased for an error message.</summary>
    public const string Rule = "must be a WireGuard key: 32 bytes in standard base64 (44 characters ending in '=')";

    /// <summary>True for exactly the strings <c>wg genkey | wg pubkey</c> can print (canonical base64 of 32 bytes).</summary>
    public static bool IsValid(string? key) => TryDecode(key, out _);

    /// <summary>Decodes a canonical key.</summary>
    public static bool TryDecode(string? key, out byte[] bytes)
    {
        bytes = [];
        if (key is null || key.Length != 44 || key[43] != '=' || key[42] == '=')
        {
            return false;
        }

        var buffer = new byte[33];
        if (!Convert.TryFromBase64String(key, buffer, out var written) || written != KeyLength)
        {
            return false;
        }

        // The last significant character carries 2 unused bits; they must be zero for the text to be canonical.
        if (!string.Equals(Convert.ToBase64String(buffer.AsSpan(0, KeyLength)), key, StringComparison.Ordinal))
        {
            return false;
        }

        bytes = buffer[..KeyLength];
        return true;
    }
}

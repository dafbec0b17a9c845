using NSec.Cryptography;

namespace CloudWg.EdgeAgent.WireGuard;

/// <summary>X25519 key generation and public-key derivation for WireGuard (through libsodium via NSec).</summary>
public static class WgKeyPair
{
    /// <summary>A fresh private key from the operating system's CSPRNG.</summary>
    public static WgKey GeneratePrivateKey()
    {
        using var key = Key.Create(KeyAgreementAlgorithm.X25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });
        return Clamp(WgKey.FromBytes(key.Export(KeyBlobFormat.RawPrivateKey)));
    }

    /// <summary>
    /// Clamps a private key as RFC 7748 §5 and <c>wg genkey</c> do. Implementations store (and read back)
    /// the clamped form, so comparisons must use it.
    /// </summary>
    public static WgKey Clamp(WgKey privateKey)
    {
        var bytes = privateKey.ToBytes();
        bytes[0] &= 248;
        bytes[31] = (byte)((bytes[31] & 127) | 64);
        return WgKey.FromBytes(bytes);
    }

    /// <summary>The public key WireGuard derives from <paramref name="privateKey"/>.</summary>
    public static WgKey PublicKeyOf(WgKey privateKey)
    {
        using var key = Key.Import(KeyAgreementAlgorithm.X25519, privateKey.ToBytes(), KeyBlobFormat.RawPrivateKey);
        return WgKey.FromBytes(key.PublicKey.Export(KeyBlobFormat.RawPublicKey));
    }
}

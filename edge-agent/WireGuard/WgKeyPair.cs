using NSec.Cryptography;

namespace CloudWg.EdgeAgent.WireGuard;

/// <summary>X25519 key generation and public-key derivation for WireGuard (through libsodium via NSec).</summary>
public static class WgKeyPair
{
    /// <summary>A fresh private key from the operating system's CSPRNG.</summary>
    public static WgKey GeneratePrivateKey()
    {
        using var key = Key.Create(KeyAgreementAlgorithm.X25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });
        return WgKey.FromBytes(key.Export(KeyBlobFormat.RawPrivateKey));
    }

    /// <summary>The public key WireGuard derives from <paramref name="privateKey"/>.</summary>
    public static WgKey PublicKeyOf(WgKey privateKey)
    {
        using var key = Key.Import(KeyAgreementAlgorithm.X25519, privateKey.ToBytes(), KeyBlobFormat.RawPrivateKey);
        return WgKey.FromBytes(key.PublicKey.Export(KeyBlobFormat.RawPublicKey));
    }
}

namespace CloudWg.Protocol.Jws;

/// <summary>
/// Something that holds an EC P-256 private key and signs with it: a local key file now, Key Vault's
/// <c>sign</c> operation later. The private key never has to leave it.
/// </summary>
public interface IJwsSigner
{
    /// <summary>The <c>kid</c> under which verifiers find the public key.</summary>
    string KeyId { get; }

    /// <summary>
    /// ES256 signature of <paramref name="signingInput"/> (SHA-256 is computed by the signer): exactly 64 bytes,
    /// IEEE P1363 r‖s, not DER.
    /// </summary>
    ValueTask<byte[]> SignAsync(ReadOnlyMemory<byte> signingInput, CancellationToken ct = default);
}

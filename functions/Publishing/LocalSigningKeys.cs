using CloudWg.Functions.Hosting;
using CloudWg.Protocol.Jws;

namespace CloudWg.Functions.Publishing;

/// <summary>
/// The embedded default: an EC P-256 key in <c>&lt;state dir&gt;/config-signing-key.pem</c>, created 0600 on first
/// use (never replaced once it exists, so every instance and the trust bundle agree on it). The kid is the
/// key's RFC 7638 thumbprint.
/// </summary>
public sealed class LocalSigningKeys : ISigningKeys, IDisposable
{
    public const string FileName = "config-signing-key.pem";

    private readonly EcdsaJwsSigner signer;

    public LocalSigningKeys(StateDirectory state)
    {
        signer = EcdsaJwsSigner.LoadOrCreate(state.File(FileName));
        TrustBundle = TrustBundle.FromKeys(signer.PublicJwk);
    }

    public IJwsSigner Signer => signer;

    public TrustBundle TrustBundle { get; }

    public void Dispose() => signer.Dispose();
}

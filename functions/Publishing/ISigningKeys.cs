using CloudWg.Protocol.Jws;

namespace CloudWg.Functions.Publishing;

/// <summary>
/// The config-signing key (DESIGN §3) and the public keys nodes pin. The only place that decides where the key
/// lives: <see cref="LocalSigningKeys"/> now, Key Vault's <c>sign</c> operation later, registered in
/// <see cref="PublishingServiceCollectionExtensions.AddCloudWgPublishing"/>.
/// </summary>
public interface ISigningKeys
{
    IJwsSigner Signer { get; }

    /// <summary>The keys a node pins at enrollment (current, and the next one during a rotation).</summary>
    TrustBundle TrustBundle { get; }
}

using CloudWg.Protocol.Jws;

namespace CloudWg.Functions.Publishing;

/// <summary>
/// The config-signing key (DESIGN §3) as publishing uses it: the signer of the current key, and the trust bundle
/// nodes pin (current, plus next or previous during a rotation). Implemented by
/// <see cref="Pki.ConfigSigningKeysAdapter"/> over the PKI's keys, local or Key Vault, so the key that signs is
/// always one the published trust bundle names.
/// </summary>
public interface ISigningKeys
{
    ValueTask<IJwsSigner> GetSignerAsync(CancellationToken cancellationToken = default);

    ValueTask<TrustBundle> GetTrustBundleAsync(CancellationToken cancellationToken = default);
}

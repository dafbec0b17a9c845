using CloudWg.Functions.Publishing;
using CloudWg.Protocol.Jws;

namespace CloudWg.Functions.Pki;

/// <summary>
/// Publishing's view of the config-signing keys: the published list (<see cref="IConfigSigningKeys"/>) read at most
/// once a minute, and a signer for whichever key is current, replaced when a rotation promotes another key.
/// </summary>
public sealed class ConfigSigningKeysAdapter(
    IConfigSigningKeys published,
    Func<CancellationToken, Task<IJwsSigner>> openCurrentSigner,
    TimeProvider time) : ISigningKeys, IDisposable
{
    private static readonly TimeSpan RefreshAfter = TimeSpan.FromMinutes(1);
    private readonly SemaphoreSlim gate = new(1, 1);
    private (DateTimeOffset At, IReadOnlyList<ConfigSigningKey> Keys)? cached;
    private IJwsSigner? signer;

    public async ValueTask<IJwsSigner> GetSignerAsync(CancellationToken cancellationToken = default)
    {
        var current = (await KeysAsync(cancellationToken)).First(k => k.Status == ConfigSigningKey.Current).PublicKey.Kid;
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (signer?.KeyId != current)
            {
                (signer as IDisposable)?.Dispose();
                signer = await openCurrentSigner(cancellationToken);
            }

            return signer;
        }
        finally
        {
            gate.Release();
        }
    }

    public async ValueTask<TrustBundle> GetTrustBundleAsync(CancellationToken cancellationToken = default) =>
        TrustBundle.FromKeys((await KeysAsync(cancellationToken)).Select(k => k.PublicKey));

    private async Task<IReadOnlyList<ConfigSigningKey>> KeysAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (cached is { } c && now - c.At < RefreshAfter)
        {
            return c.Keys;
        }

        var keys = await published.GetPublishedAsync(cancellationToken);
        cached = (now, keys);
        return keys;
    }

    public void Dispose()
    {
        (signer as IDisposable)?.Dispose();
        gate.Dispose();
    }
}

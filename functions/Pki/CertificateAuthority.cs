using System.Security.Cryptography.X509Certificates;

namespace CloudWg.Functions.Pki;

/// <summary>
/// Issuance shared by every CA backend. A backend only loads (or creates, on first start) the root and fleet CA
/// signers; this class caches them and applies the profiles of <see cref="CertificateProfiles"/>.
/// </summary>
public abstract class CertificateAuthority(TimeProvider time) : ICertificateAuthority
{
    public const string RootCommonName = "CloudWg Root CA";
    public const string FleetCommonName = "CloudWg Fleet CA";
    public static readonly TimeSpan RootLifetime = TimeSpan.FromDays(365 * 20);
    public static readonly TimeSpan FleetLifetime = TimeSpan.FromDays(365 * 10);

    private readonly SemaphoreSlim gate = new(1, 1);
    private (CaSigner Root, CaSigner Fleet)? signers;

    protected TimeProvider Time { get; } = time;

    public async Task<CaCertificates> GetCertificatesAsync(CancellationToken cancellationToken = default)
    {
        var (root, fleet) = await SignersAsync(cancellationToken).ConfigureAwait(false);
        return new CaCertificates(root.Certificate, fleet.Certificate);
    }

    public async Task<X509Certificate2> IssueNodeCertificateAsync(string nodeId, PublicKey publicKey, TimeSpan lifetime, CancellationToken cancellationToken = default)
    {
        var (_, fleet) = await SignersAsync(cancellationToken).ConfigureAwait(false);
        return await Task.Run(() => CertificateProfiles.Node(nodeId, publicKey, fleet, Time.GetUtcNow(), lifetime), cancellationToken).ConfigureAwait(false);
    }

    public async Task<X509Certificate2> IssueServerCertificateAsync(IEnumerable<string> names, PublicKey publicKey, TimeSpan lifetime, CancellationToken cancellationToken = default)
    {
        var (_, fleet) = await SignersAsync(cancellationToken).ConfigureAwait(false);
        return await Task.Run(() => CertificateProfiles.Server(names, publicKey, fleet, Time.GetUtcNow(), lifetime), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Loads the root and fleet CA, creating them if this is the first start.</summary>
    protected abstract Task<(CaSigner Root, CaSigner Fleet)> LoadOrCreateAsync(CancellationToken cancellationToken);

    private async Task<(CaSigner Root, CaSigner Fleet)> SignersAsync(CancellationToken cancellationToken)
    {
        if (signers is { } loaded)
        {
            return loaded;
        }

        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            signers ??= await LoadOrCreateAsync(cancellationToken).ConfigureAwait(false);
            return signers.Value;
        }
        finally
        {
            gate.Release();
        }
    }
}

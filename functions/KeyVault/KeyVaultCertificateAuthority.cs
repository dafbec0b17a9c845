using System.Security.Cryptography.X509Certificates;
using Azure;
using Azure.Security.KeyVault.Certificates;
using CloudWg.Functions.Pki;

namespace CloudWg.Functions.KeyVault;

/// <summary>
/// Root and fleet CA as Key Vault certificates with non-exportable EC P-256 keys. On first start:
/// the root's key pair is made by a temporary Key Vault self-signed certificate, then a new version reusing that key is
/// created as a CSR, answered by a proper CA certificate (basic constraints, which Key Vault policies cannot express)
/// self-signed through <c>sign</c>, and merged. The fleet CA is a CSR signed by the root and merged with its chain.
/// </summary>
public sealed class KeyVaultCertificateAuthority(
    CertificateClient certificates, KeyVaultRestClient rest, KeyVaultOptions options, TimeProvider time, ICaCreationLock? creationLock = null)
    : CertificateAuthority(time)
{
    /// <summary>How long an instance waits for another one to finish creating the CA.</summary>
    private static readonly TimeSpan CreationWait = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan CreationPoll = TimeSpan.FromSeconds(1);

    protected override async Task<(CaSigner Root, CaSigner Fleet)> LoadOrCreateAsync(CancellationToken cancellationToken)
    {
        var deadline = Time.GetUtcNow() + CreationWait;
        while (true)
        {
            if (await LoadBothAsync(cancellationToken).ConfigureAwait(false) is { } loaded)
            {
                return loaded;
            }

            var held = creationLock is null ? null : await creationLock.TryAcquireAsync(cancellationToken).ConfigureAwait(false);
            if (creationLock is null || held is not null)
            {
                await using (held)
                {
                    // Re-check under the lock: the previous holder may have finished just now.
                    var root = await LoadAsync(options.RootCertificateName, cancellationToken).ConfigureAwait(false)
                        ?? await CreateRootAsync(cancellationToken).ConfigureAwait(false);
                    var fleet = await LoadAsync(options.FleetCertificateName, cancellationToken).ConfigureAwait(false)
                        ?? await CreateFleetAsync(root, cancellationToken).ConfigureAwait(false);
                    return (root, fleet);
                }
            }

            if (Time.GetUtcNow() > deadline)
            {
                throw new InvalidOperationException($"Another instance has been creating the CA in Key Vault for over {CreationWait.TotalMinutes:0} minutes; check the vault and the app's logs.");
            }

            await Task.Delay(CreationPoll, Time, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<(CaSigner Root, CaSigner Fleet)?> LoadBothAsync(CancellationToken cancellationToken)
    {
        var root = await LoadAsync(options.RootCertificateName, cancellationToken).ConfigureAwait(false);
        var fleet = root is null ? null : await LoadAsync(options.FleetCertificateName, cancellationToken).ConfigureAwait(false);
        return root is not null && fleet is not null ? (root, fleet) : null;
    }

    private async Task<CaSigner?> LoadAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            var response = await certificates.GetCertificateAsync(name, cancellationToken).ConfigureAwait(false);
            var certificate = X509CertificateLoader.LoadCertificate(response.Value.Cer);
            if (!IsCa(certificate))
            {
                // A leftover of an interrupted first start (the temporary self-signed root): finish the job.
                return null;
            }

            return Signer(certificate, response.Value.KeyId);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    private async Task<CaSigner> CreateRootAsync(CancellationToken cancellationToken)
    {
        var name = options.RootCertificateName;
        var subject = CertificateProfiles.Name(RootCommonName).Name;

        // 1. Let Key Vault generate the key pair (a temporary self-signed certificate carries it).
        var temporary = await certificates.StartCreateCertificateAsync(name, Policy("Self", subject, reuseKey: false), cancellationToken: cancellationToken).ConfigureAwait(false);
        var created = await temporary.WaitForCompletionAsync(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
        var keyId = created.Value.KeyId;

        // 2. A new version reusing that key, pending on a CSR; 3. answer it with a self-signed CA certificate.
        var pending = await certificates.StartCreateCertificateAsync(name, Policy("Unknown", subject, reuseKey: true), cancellationToken: cancellationToken).ConfigureAwait(false);
        var csr = new CertificateRequestInfo(pending.Properties.Csr);
        var generator = new KeyVaultSignatureGenerator(rest, keyId, csr.PublicKey);
        var root = CertificateProfiles.Root(CertificateProfiles.Name(RootCommonName), csr.PublicKey, generator, Time.GetUtcNow(), RootLifetime);
        var merged = await certificates.MergeCertificateAsync(new MergeCertificateOptions(name, [root.RawData]), cancellationToken).ConfigureAwait(false);
        return Signer(X509CertificateLoader.LoadCertificate(merged.Value.Cer), merged.Value.KeyId);
    }

    private async Task<CaSigner> CreateFleetAsync(CaSigner root, CancellationToken cancellationToken)
    {
        var name = options.FleetCertificateName;
        var pending = await certificates.StartCreateCertificateAsync(name, Policy("Unknown", CertificateProfiles.Name(FleetCommonName).Name, reuseKey: false), cancellationToken: cancellationToken).ConfigureAwait(false);
        var csr = new CertificateRequestInfo(pending.Properties.Csr);
        var fleet = CertificateProfiles.FleetCa(CertificateProfiles.Name(FleetCommonName), csr.PublicKey, root, Time.GetUtcNow(), FleetLifetime);
        var merged = await certificates.MergeCertificateAsync(new MergeCertificateOptions(name, [fleet.RawData, root.Certificate.RawData]), cancellationToken).ConfigureAwait(false);
        return Signer(X509CertificateLoader.LoadCertificate(merged.Value.Cer), merged.Value.KeyId);
    }

    private CaSigner Signer(X509Certificate2 certificate, Uri keyId) =>
        new(certificate, new KeyVaultSignatureGenerator(rest, keyId, certificate.PublicKey));

    private static bool IsCa(X509Certificate2 certificate) =>
        certificate.Extensions.OfType<X509BasicConstraintsExtension>().Any(b => b.CertificateAuthority);

    private static CertificatePolicy Policy(string issuer, string subject, bool reuseKey) => new(issuer, subject)
    {
        KeyType = CertificateKeyType.Ec,
        KeyCurveName = CertificateKeyCurveName.P256,
        Exportable = false,
        ReuseKey = reuseKey,
        ContentType = CertificateContentType.Pem,
        KeyUsage = { CertificateKeyUsage.KeyCertSign, CertificateKeyUsage.CrlSign },
    };
}

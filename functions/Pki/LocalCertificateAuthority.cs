using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CloudWg.Functions.Hosting;

namespace CloudWg.Functions.Pki;

/// <summary>
/// The embedded CA: P-256 keys and certificates as PEM files in the state directory, keys 0600, created on first start.
/// </summary>
public sealed class LocalCertificateAuthority(StateDirectory state, TimeProvider time) : CertificateAuthority(time)
{
    public const string RootKeyFile = "root-ca.key.pem";
    public const string RootCertificateFile = "root-ca.crt.pem";
    public const string FleetKeyFile = "fleet-ca.key.pem";
    public const string FleetCertificateFile = "fleet-ca.crt.pem";

    protected override Task<(CaSigner Root, CaSigner Fleet)> LoadOrCreateAsync(CancellationToken cancellationToken)
    {
        var root = LoadOrCreate(RootKeyFile, RootCertificateFile, key =>
            CertificateProfiles.Root(CertificateProfiles.Name(RootCommonName), PublicKeyOf(key), X509SignatureGenerator.CreateForECDsa(key), Time.GetUtcNow(), RootLifetime));
        var fleet = LoadOrCreate(FleetKeyFile, FleetCertificateFile, key =>
            CertificateProfiles.FleetCa(CertificateProfiles.Name(FleetCommonName), PublicKeyOf(key), root, Time.GetUtcNow(), FleetLifetime));
        return Task.FromResult((root, fleet));
    }

    private CaSigner LoadOrCreate(string keyFile, string certificateFile, Func<ECDsa, X509Certificate2> create)
    {
        var keyPath = state.File(keyFile);
        var certificatePath = state.File(certificateFile);
        var key = ECDsa.Create();
        if (File.Exists(keyPath) && File.Exists(certificatePath))
        {
            key.ImportFromPem(File.ReadAllText(keyPath));
            var existing = X509Certificate2.CreateFromPem(File.ReadAllText(certificatePath));
            return new CaSigner(existing, X509SignatureGenerator.CreateForECDsa(key));
        }

        key.Dispose();
        key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var certificate = create(key);
        state.WriteSecret(keyFile, System.Text.Encoding.ASCII.GetBytes(key.ExportPkcs8PrivateKeyPem()));
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        return new CaSigner(certificate, X509SignatureGenerator.CreateForECDsa(key));
    }

    private static PublicKey PublicKeyOf(ECDsa key) => new(key);
}

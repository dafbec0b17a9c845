using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using CloudWg.Functions.Hosting;
using Microsoft.Extensions.Options;

namespace CloudWg.Functions.Pki;

/// <summary>
/// The control plane's own HTTPS certificate for its local mTLS endpoint, issued by the fleet CA at start-up, so agents
/// verify the control plane against the root they pinned at enrollment. The key is kept in the state directory
/// (<c>server-tls.key.pem</c>, 0600) so it survives restarts: install commands pin it for curl
/// (<see cref="CurlPublicKeyPin"/>) and must keep working until their token expires.
/// </summary>
public sealed class ServerCertificateProvider(ICertificateAuthority authority, IOptions<PkiOptions> options, StateDirectory state)
{
    public const string KeyFile = "server-tls.key.pem";
    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(30);
    private readonly Lazy<(X509Certificate2 Certificate, X509Certificate2Collection Chain)> issued = new(() => Issue(authority, options.Value, state));

    public X509Certificate2 Certificate => issued.Value.Certificate;

    /// <summary>Whether Kestrel's HTTPS endpoints present this certificate: it is issued when they bind, and only then.</summary>
    public bool IsServing => issued.IsValueCreated;

    /// <summary>The certificate's public key as curl's <c>--pinnedpubkey</c> takes it (<c>sha256//</c> + base64 of the SPKI hash).</summary>
    public string CurlPublicKeyPin => "sha256//" + Convert.ToBase64String(SHA256.HashData(Certificate.PublicKey.ExportSubjectPublicKeyInfo()));

    /// <summary>The intermediates sent along with the certificate (the fleet CA).</summary>
    public X509Certificate2Collection Chain => issued.Value.Chain;

    private static (X509Certificate2, X509Certificate2Collection) Issue(ICertificateAuthority authority, PkiOptions options, StateDirectory state)
    {
        // Runs once when Kestrel binds its HTTPS endpoints, before any request: blocking here is harmless.
        using var key = LoadOrCreateKey(state);
        var certificate = authority.IssueServerCertificateAsync(options.ServerNames, new PublicKey(key), Lifetime).GetAwaiter().GetResult();
        var ca = authority.GetCertificatesAsync().GetAwaiter().GetResult();
        using var withKey = certificate.CopyWithPrivateKey(key);
        // Round-trip through PKCS#12 so the key is not tied to the disposed ECDsa instance.
        var exported = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
        return (exported, [ca.Fleet]);
    }

    private static ECDsa LoadOrCreateKey(StateDirectory state)
    {
        var path = state.File(KeyFile);
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        if (File.Exists(path))
        {
            key.ImportFromPem(File.ReadAllText(path));
            return key;
        }

        state.WriteSecret(KeyFile, Encoding.ASCII.GetBytes(key.ExportPkcs8PrivateKeyPem()));
        return key;
    }
}

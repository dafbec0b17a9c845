using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CloudWg.Functions.Hosting;
using CloudWg.Functions.Pki;
using Microsoft.Extensions.Time.Testing;

namespace CloudWg.Functions.Tests.Pki;

public sealed class LocalCertificateAuthorityTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("cloudwg-ca-").FullName;

    [Fact]
    public async Task Issues_one_year_client_certificates_that_chain_to_the_root_and_keeps_keys_0600()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        var authority = new LocalCertificateAuthority(State(), time);
        using var nodeKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var leaf = await authority.IssueNodeCertificateAsync("n1", new PublicKey(nodeKey), TimeSpan.FromDays(365), TestContext.Current.CancellationToken);
        var ca = await authority.GetCertificatesAsync(TestContext.Current.CancellationToken);

        CertificateAssertions.AssertNodeCertificate(leaf, "n1", ca, TimeSpan.FromDays(365));
        Assert.Equal(time.GetUtcNow().UtcDateTime.AddDays(365), leaf.NotAfter.ToUniversalTime());
        foreach (var file in new[] { LocalCertificateAuthority.RootKeyFile, LocalCertificateAuthority.FleetKeyFile })
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(directory, file)));
        }

        var restarted = await new LocalCertificateAuthority(State(), time).GetCertificatesAsync(TestContext.Current.CancellationToken);
        Assert.Equal(ca.Root.Thumbprint, restarted.Root.Thumbprint);
        Assert.Equal(ca.Fleet.Thumbprint, restarted.Fleet.Thumbprint);
    }

    [Fact]
    public void The_https_server_key_survives_a_restart_so_pinned_install_commands_keep_working()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = Microsoft.Extensions.Options.Options.Create(new PkiOptions());
        var first = new ServerCertificateProvider(new LocalCertificateAuthority(State(), time), options, State());
        var pin = first.CurlPublicKeyPin;

        var restarted = new ServerCertificateProvider(new LocalCertificateAuthority(State(), time), options, State());

        Assert.Equal(pin, restarted.CurlPublicKeyPin);
        Assert.True(restarted.Certificate.HasPrivateKey);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(directory, ServerCertificateProvider.KeyFile)));
        var other = new ServerCertificateProvider(new LocalCertificateAuthority(State(), time), options, new StateDirectory(
            Microsoft.Extensions.Options.Options.Create(new CloudWgOptions { StateDirectory = Directory.CreateTempSubdirectory("cloudwg-other-").FullName })));
        Assert.NotEqual(pin, other.CurlPublicKeyPin);
    }

    [Fact]
    public void Csr_validation_accepts_p256_and_refuses_everything_else_with_a_reason()
    {
        using var p256 = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        using var rsa = RSA.Create(2048);

        Assert.True(CertificateSigningRequests.TryParse(new CertificateRequest("CN=a", p256, HashAlgorithmName.SHA256).CreateSigningRequestPem(), out var key, out _));
        Assert.Equal(p256.ExportSubjectPublicKeyInfo(), key.ExportSubjectPublicKeyInfo());
        Assert.False(CertificateSigningRequests.TryParse(new CertificateRequest("CN=a", p384, HashAlgorithmName.SHA384).CreateSigningRequestPem(), out _, out var curveError));
        Assert.Contains("P-256", curveError, StringComparison.Ordinal);
        Assert.False(CertificateSigningRequests.TryParse(new CertificateRequest("CN=a", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).CreateSigningRequestPem(), out _, out var rsaError));
        Assert.Contains("EC P-256", rsaError, StringComparison.Ordinal);
        Assert.False(CertificateSigningRequests.TryParse(null, out _, out var missing));
        Assert.Contains("required", missing, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private StateDirectory State() => new(Microsoft.Extensions.Options.Options.Create(new CloudWgOptions { StateDirectory = directory }));
}

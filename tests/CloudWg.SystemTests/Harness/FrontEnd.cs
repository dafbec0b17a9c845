using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CloudWg.SystemTests.Harness;

/// <summary>
/// A TLS-terminating reverse proxy in front of the control plane, behaving like Azure's front end in what matters to
/// CloudWg: real Caddy (<c>reverse_proxy</c>) on <c>https://localhost:PORT</c> with a certificate from a test CA
/// (standing in for a public one), no client certificate asked for or forwarded, the Host header passed through,
/// <c>X-Forwarded-For</c>/<c>-Proto</c> added and <c>X-Client-IP</c> set to the caller's address (whatever the
/// caller sent in it). Clients trust it through <see cref="CaFile"/> (<c>SSL_CERT_FILE</c> for .NET programs) or
/// <see cref="SpkiSha256"/> (Chromium).
/// </summary>
public sealed class FrontEnd : IAsyncDisposable
{
    private readonly string directory;
    private ChildProcess? process;

    private FrontEnd(string directory, int port)
    {
        this.directory = directory;
        Port = port;
    }

    public int Port { get; }

    public Uri Url => new($"https://localhost:{Port}/");

    /// <summary>The test CA, PEM: what a client trusts the front end by (a public CA's role).</summary>
    public string CaFile => Path.Combine(directory, "ca.pem");

    public X509Certificate2 Ca { get; private set; } = null!;

    /// <summary>Base64 SHA-256 of the server key's SubjectPublicKeyInfo (Chromium's <c>--ignore-certificate-errors-spki-list</c>).</summary>
    public string SpkiSha256 { get; private set; } = "";

    public string Log() => process?.Log() ?? "--- front end: not running ---";

    /// <summary>A front end on a free port, not started: its <see cref="Url"/> is known before what it fronts starts.</summary>
    public static FrontEnd Create(string root) => new(Directory.CreateDirectory(Path.Combine(root, "front-end")).FullName, FreePort());

    /// <summary>Starts Caddy in front of <paramref name="backend"/> (plain HTTP on loopback).</summary>
    /// <param name="hostOnlyPaths">
    /// Paths the Functions host keeps to itself (the custom handler's other functions, which it invokes over loopback):
    /// the HTTP function's route excludes them, so from outside they answer 404.
    /// </param>
    public async Task StartAsync(Uri backend, IReadOnlyList<string>? hostOnlyPaths = null)
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=CloudWg test public CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest("CN=localhost", serverKey, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        serverRequest.CertificateExtensions.Add(san.Build());
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var server = serverRequest.Create(ca, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(29), RandomNumberGenerator.GetBytes(12));

        await File.WriteAllTextAsync(Path.Combine(directory, "ca.pem"), ca.ExportCertificatePem());
        await File.WriteAllTextAsync(Path.Combine(directory, "server.pem"), server.ExportCertificatePem() + "\n" + ca.ExportCertificatePem());
        await File.WriteAllTextAsync(Path.Combine(directory, "server.key"), serverKey.ExportPkcs8PrivateKeyPem());
        Ca = ca;
        SpkiSha256 = Convert.ToBase64String(SHA256.HashData(serverKey.ExportSubjectPublicKeyInfo()));
        var port = Port;
        var hostOnly = hostOnlyPaths is { Count: > 0 }
            ? $"\t@hostonly path_regexp ^/(?i)({string.Join('|', hostOnlyPaths)})$\n\trespond @hostonly 404"
            : "";
        var caddyfile = Path.Combine(directory, "Caddyfile");
        await File.WriteAllTextAsync(caddyfile, $$"""
            {
            	admin off
            	auto_https off
            	default_sni localhost
            	storage file_system {{directory}}/data
            }

            https://localhost:{{port}} {
            	bind 127.0.0.1
            	tls {{directory}}/server.pem {{directory}}/server.key
            {{hostOnly}}
            	reverse_proxy {{backend.Authority}} {
            		header_up X-Client-IP {remote_host}
            	}
            }

            """);
        var frontEnd = this;
        frontEnd.process = ChildProcess.Start("front end (caddy)", "caddy", ["run", "--config", caddyfile, "--adapter", "caddyfile"], new Dictionary<string, string>
        {
            ["HOME"] = directory,
            ["XDG_CONFIG_HOME"] = Path.Combine(directory, "config"),
            ["XDG_DATA_HOME"] = Path.Combine(directory, "data"),
        });
        using var http = frontEnd.NewClient();
        await Poll.UntilAsync("the front end answering", async () =>
        {
            if (frontEnd.process.HasExited)
            {
                throw new InvalidOperationException("Caddy exited:\n" + frontEnd.Log());
            }

            try
            {
                using var response = await http.GetAsync(new Uri(frontEnd.Url, "api/health"));
                return true;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, TimeSpan.FromMinutes(1), frontEnd.Log);
    }

    /// <summary>An HTTP client that trusts exactly the test CA, as a browser trusts a public one.</summary>
    public HttpClient NewClient()
    {
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                CertificateChainPolicy = new X509ChainPolicy
                {
                    TrustMode = X509ChainTrustMode.CustomRootTrust,
                    CustomTrustStore = { Ca },
                    RevocationMode = X509RevocationMode.NoCheck,
                },
            },
        };
        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(60) };
    }

    public async ValueTask DisposeAsync()
    {
        if (process is not null)
        {
            await process.DisposeAsync();
        }

        Ca?.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

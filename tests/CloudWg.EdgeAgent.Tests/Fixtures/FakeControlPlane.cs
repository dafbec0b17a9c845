using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using CloudWg.Protocol.HttpSignatures;
using CloudWg.Protocol.Json;
using CloudWg.Protocol.Jws;
using CloudWg.Protocol.Messages;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CloudWg.EdgeAgent.Tests.Fixtures;

/// <summary>
/// An in-test server speaking the agent endpoints of DESIGN §5 (enroll, renew, desired-state, root certificate) with
/// a real test root and fleet CA, so the agent's client, key handling and error messages are exercised end to end.
/// Plain HTTP by default; <see cref="StartHttpsAsync"/> serves HTTPS on Kestrel with a fleet-CA server certificate,
/// as the embedded control plane does.
/// </summary>
public sealed class FakeControlPlane : IAsyncDisposable
{
    private readonly HttpListener? listener;
    private readonly CancellationTokenSource stop = new();
    private readonly Task? loop;
    private readonly TestCa root = TestCa.Root("CN=CloudWg Test Root CA");
    private readonly TestCa fleet;
    private WebApplication? https;
    private X509Certificate2? serverCertificate;

    public FakeControlPlane(TrustBundle trustBundle, StorageNode? storage = null)
        : this(trustBundle, storage, listen: true)
    {
    }

    private FakeControlPlane(TrustBundle trustBundle, StorageNode? storage, bool listen)
    {
        TrustBundle = trustBundle with { RootCertificatesPem = [root.Certificate.ExportCertificatePem()] };
        Storage = storage;
        fleet = root.Issue("CN=CloudWg Test Fleet CA");
        if (listen)
        {
            Port = FreePort();
            listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
            listener.Start();
            loop = Task.Run(ServeAsync);
            Url = $"http://127.0.0.1:{Port}";
        }
    }

    /// <summary>The control plane on <c>https://127.0.0.1:PORT</c> with a server certificate from its fleet CA (for 127.0.0.1 and localhost).</summary>
    public static async Task<FakeControlPlane> StartHttpsAsync(TrustBundle trustBundle)
    {
        var server = new FakeControlPlane(trustBundle, null, listen: false);
        var certificate = server.serverCertificate = server.fleet.IssueServer(["127.0.0.1", "localhost"]);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(options =>
        {
            options.ServerCertificate = certificate;
            options.ServerCertificateChain = [server.fleet.Certificate];
        })));
        var app = builder.Build();
        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            server.CheckSignature(context.Request.Method, new Uri(context.Request.GetEncodedUrl()), name => context.Request.Headers.TryGetValue(name, out var v) ? v.Select(x => x ?? "") : null, body);
            var (status, contentType, text) = await server.HandleAsync(context.Request.Method, context.Request.Path.Value ?? "/", body);
            context.Response.StatusCode = status;
            context.Response.ContentType = contentType;
            await context.Response.WriteAsync(text, context.RequestAborted);
        });
        await app.StartAsync();
        server.https = app;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server.Port = new Uri(address).Port;
        server.Url = $"https://127.0.0.1:{server.Port}";
        return server;
    }

    public int Port { get; private set; }

    public string Url { get; private set; } = string.Empty;

    /// <summary>What enrollment returns: the given bundle with this server's root.</summary>
    public TrustBundle TrustBundle { get; }

    /// <summary>SHA-256 fingerprint (hex) of the root, as the enrollment page shows it.</summary>
    public string RootSha256 => root.Certificate.GetCertHashString(HashAlgorithmName.SHA256);

    /// <summary>When set, enrollment answers with this root in the trust bundle instead of its own (a lying server).</summary>
    public string? AnnouncedRootPem { get; set; }

    public StorageNode? Storage { get; }

    public HashSet<string> ValidTokens { get; } = ["good-token"];

    public List<EnrollmentRequest> Enrollments { get; } = [];

    public int Renewals { get; private set; }

    /// <summary>What <c>GET /api/agent/desired-state</c> returns; null → 404.</summary>
    public string? DesiredStateJws { get; set; }

    public TimeSpan CertificateLifetime { get; set; } = TimeSpan.FromDays(365);

    /// <summary>When set, renewals answer 401 with this detail, as the control plane does for a revoked certificate.</summary>
    public string? RefuseRenewals { get; set; }

    private async Task ServeAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await listener!.GetContextAsync().WaitAsync(stop.Token);
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (HttpListenerException)
            {
                return;
            }

            try
            {
                using var reader = new StreamReader(context.Request.InputStream);
                var body = await reader.ReadToEndAsync();
                CheckSignature(context.Request.HttpMethod, context.Request.Url!, name => context.Request.Headers.GetValues(name), body);
                var (status, contentType, text) = await HandleAsync(context.Request.HttpMethod, context.Request.Url!.AbsolutePath, body);
                await WriteAsync(context.Response, status, contentType, text);
            }
            catch (Exception e)
            {
                await WriteAsync(context.Response, 500, "application/problem+json", $"{{\"title\":\"test server error\",\"detail\":\"{e.GetType().Name}\"}}");
            }
        }
    }

    /// <summary>Node requests (renew, desired-state) whose RFC 9421 signature verified with the certificate they carry.</summary>
    public List<(string Method, string Path, string CertificateSerial)> SignedRequests { get; } = [];

    /// <summary>Node requests that were unsigned or whose signature did not verify, with the reason.</summary>
    public List<string> SignatureFailures { get; } = [];

    /// <summary>The check the control plane makes (minus chain, revocation and replay), recorded for the test to assert on.</summary>
    private void CheckSignature(string method, Uri url, Func<string, IEnumerable<string>?> header, string body)
    {
        if (!url.AbsolutePath.StartsWith("/api/agent/", StringComparison.Ordinal) || url.AbsolutePath is "/api/agent/enroll" or "/api/agent/root-certificate")
        {
            return;
        }

        var parsed = NodeRequestSignature.Parse(header, method, out var error);
        string? failure = error;
        if (parsed is not null)
        {
            using var certificate = X509CertificateLoader.LoadCertificate(parsed.CertificateDer);
            using var key = certificate.GetECDsaPublicKey()!;
            var digest = SignatureBase.FieldValue(header(ContentDigest.HeaderName));
            if (parsed.Components.Contains("content-digest") && !ContentDigest.Matches(digest, Encoding.UTF8.GetBytes(body), out var digestError))
            {
                failure = digestError;
            }
            else if (!NodeRequestSignature.Verify(key, NodeRequestSignature.BaseFor(parsed, method, url.AbsoluteUri, digest), parsed.Signature))
            {
                failure = "the signature does not verify";
            }
            else
            {
                lock (SignedRequests)
                {
                    SignedRequests.Add((method, url.AbsolutePath, certificate.SerialNumber));
                }
            }
        }

        if (failure is not null)
        {
            lock (SignatureFailures)
            {
                SignatureFailures.Add($"{method} {url.AbsolutePath}: {failure}");
            }
        }
    }

    private Task<(int Status, string ContentType, string Body)> HandleAsync(string method, string path, string body)
    {
        const string Problem = "application/problem+json";
        switch (method, path)
        {
            case ("POST", "/api/agent/enroll"):
                var enroll = CanonicalJson.Deserialize(Encoding.UTF8.GetBytes(body), ProtocolJsonContext.Default.EnrollmentRequest);
                if (enroll.Validate() is { Count: > 0 } errors)
                {
                    return Answer(400, Problem, $"{{\"title\":\"invalid\",\"errors\":{{\"{errors[0].Path}\":[\"{errors[0].Message}\"]}}}}");
                }

                lock (ValidTokens)
                {
                    if (!ValidTokens.Remove(enroll.Token))
                    {
                        return Answer(401, Problem, "{\"title\":\"Token rejected\",\"detail\":\"The enrollment token is unknown, expired or already used.\"}");
                    }

                    Enrollments.Add(enroll);
                }

                var bundle = AnnouncedRootPem is null ? TrustBundle : TrustBundle with { RootCertificatesPem = [AnnouncedRootPem] };
                var response = new EnrollmentResponse("node-e", Issue(enroll.Csr), bundle, Grant("inbox"), Grant("blob"), Grant("reports"), DateTimeOffset.UtcNow + CertificateLifetime);
                return Answer(200, "application/json", Encoding.UTF8.GetString(CanonicalJson.Serialize(response, ProtocolJsonContext.Default.EnrollmentResponse)));
            case ("POST", "/api/agent/renew"):
                if (RefuseRenewals is { } refusal)
                {
                    return Answer(401, Problem, $"{{\"title\":\"Node certificate required\",\"detail\":\"{refusal}\"}}");
                }

                var renew = CanonicalJson.Deserialize(Encoding.UTF8.GetBytes(body), ProtocolJsonContext.Default.RenewalRequest);
                Renewals++;
                var renewed = new RenewalResponse(Issue(renew.Csr), Grant("inbox"), Grant("blob"), Grant("reports"), DateTimeOffset.UtcNow + CertificateLifetime);
                return Answer(200, "application/json", Encoding.UTF8.GetString(CanonicalJson.Serialize(renewed, ProtocolJsonContext.Default.RenewalResponse)));
            case ("GET", "/api/agent/desired-state"):
                return DesiredStateJws is null
                    ? Answer(404, Problem, "{\"title\":\"No desired state\"}")
                    : Answer(200, "application/jose", DesiredStateJws);
            case ("GET", "/api/agent/root-certificate"):
                return Answer(200, "application/x-pem-file", root.Certificate.ExportCertificatePem() + "\n");
            default:
                return Answer(404, Problem, "{\"title\":\"Not found\"}");
        }
    }

    private static Task<(int, string, string)> Answer(int status, string contentType, string body) => Task.FromResult((status, contentType, body));

    private List<string> Issue(string csrPem)
    {
        var csr = CertificateRequest.LoadSigningRequestPem(csrPem, HashAlgorithmName.SHA256);
        var serial = RandomNumberGenerator.GetBytes(12);
        using var leaf = csr.Create(fleet.Certificate, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow + CertificateLifetime, serial);
        return [leaf.ExportCertificatePem(), fleet.Certificate.ExportCertificatePem(), root.Certificate.ExportCertificatePem()];
    }

    private SasGrant Grant(string name)
    {
        var expires = DateTimeOffset.UtcNow + CertificateLifetime;
        var enrollment = Storage?.Enrollment("node-e");
        var url = name switch
        {
            "inbox" => enrollment?.InboxUrl,
            "blob" => enrollment?.DesiredStateBlobUrl,
            _ => enrollment?.ReportsUrl,
        };
        return new SasGrant(url ?? $"http://127.0.0.1:9/devstoreaccount1/{name}?sv=2024-08-04&sig=test", expires);
    }

    private static async Task WriteAsync(HttpListenerResponse response, int status, string contentType, string body)
    {
        response.StatusCode = status;
        response.ContentType = contentType;
        var bytes = Encoding.UTF8.GetBytes(body);
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes);
        response.Close();
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        if (https is not null)
        {
            await https.StopAsync();
            await https.DisposeAsync();
        }

        if (listener is not null)
        {
            listener.Stop();
            try
            {
                await loop!;
            }
            catch (OperationCanceledException)
            {
                // Stopping.
            }

            listener.Close();
        }

        serverCertificate?.Dispose();
        fleet.Dispose();
        root.Dispose();
        stop.Dispose();
    }
}

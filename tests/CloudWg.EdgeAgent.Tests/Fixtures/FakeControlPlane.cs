using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using CloudWg.Protocol.Json;
using CloudWg.Protocol.Jws;
using CloudWg.Protocol.Messages;

namespace CloudWg.EdgeAgent.Tests.Fixtures;

/// <summary>
/// An in-test HTTP server speaking the agent endpoints of DESIGN §5 (enroll, renew, desired-state) with a
/// real test CA, so the agent's client, key handling and error messages are exercised end to end.
/// </summary>
public sealed class FakeControlPlane : IAsyncDisposable
{
    private readonly HttpListener listener = new();
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;
    private readonly ECDsa caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly X509Certificate2 ca;

    public FakeControlPlane(TrustBundle trustBundle, StorageNode? storage = null)
    {
        TrustBundle = trustBundle;
        Storage = storage;
        var request = new CertificateRequest("CN=CloudWg Test Fleet CA", caKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(5));
        Port = FreePort();
        listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        listener.Start();
        loop = Task.Run(ServeAsync);
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}";

    public TrustBundle TrustBundle { get; }

    public StorageNode? Storage { get; }

    public HashSet<string> ValidTokens { get; } = ["good-token"];

    public List<EnrollmentRequest> Enrollments { get; } = [];

    public int Renewals { get; private set; }

    /// <summary>What <c>GET /api/agent/desired-state</c> returns; null → 404.</summary>
    public string? DesiredStateJws { get; set; }

    public TimeSpan CertificateLifetime { get; set; } = TimeSpan.FromDays(365);

    private async Task ServeAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync().WaitAsync(stop.Token);
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
                await HandleAsync(context);
            }
            catch (Exception e)
            {
                await WriteAsync(context.Response, 500, "application/problem+json", $"{{\"title\":\"test server error\",\"detail\":\"{e.GetType().Name}\"}}");
            }
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var path = context.Request.Url!.AbsolutePath;
        using var reader = new StreamReader(context.Request.InputStream);
        var body = await reader.ReadToEndAsync();
        switch (context.Request.HttpMethod, path)
        {
            case ("POST", "/api/agent/enroll"):
                var enroll = CanonicalJson.Deserialize(Encoding.UTF8.GetBytes(body), ProtocolJsonContext.Default.EnrollmentRequest);
                if (enroll.Validate() is { Count: > 0 } errors)
                {
                    await WriteAsync(context.Response, 400, "application/problem+json", $"{{\"title\":\"invalid\",\"errors\":{{\"{errors[0].Path}\":[\"{errors[0].Message}\"]}}}}");
                    return;
                }

                if (!ValidTokens.Remove(enroll.Token))
                {
                    await WriteAsync(context.Response, 401, "application/problem+json", "{\"title\":\"Token rejected\",\"detail\":\"The enrollment token is unknown, expired or already used.\"}");
                    return;
                }

                Enrollments.Add(enroll);
                var response = new EnrollmentResponse("node-e", Issue(enroll.Csr), TrustBundle, Grant("inbox"), Grant("blob"), Grant("reports"), DateTimeOffset.UtcNow + CertificateLifetime);
                await WriteAsync(context.Response, 200, "application/json", Encoding.UTF8.GetString(CanonicalJson.Serialize(response, ProtocolJsonContext.Default.EnrollmentResponse)));
                return;
            case ("POST", "/api/agent/renew"):
                var renew = CanonicalJson.Deserialize(Encoding.UTF8.GetBytes(body), ProtocolJsonContext.Default.RenewalRequest);
                Renewals++;
                var renewed = new RenewalResponse(Issue(renew.Csr), Grant("inbox"), Grant("blob"), Grant("reports"), DateTimeOffset.UtcNow + CertificateLifetime);
                await WriteAsync(context.Response, 200, "application/json", Encoding.UTF8.GetString(CanonicalJson.Serialize(renewed, ProtocolJsonContext.Default.RenewalResponse)));
                return;
            case ("GET", "/api/agent/desired-state"):
                if (DesiredStateJws is null)
                {
                    await WriteAsync(context.Response, 404, "application/problem+json", "{\"title\":\"No desired state\"}");
                }
                else
                {
                    await WriteAsync(context.Response, 200, "application/jose", DesiredStateJws);
                }

                return;
            default:
                await WriteAsync(context.Response, 404, "application/problem+json", "{\"title\":\"Not found\"}");
                return;
        }
    }

    private List<string> Issue(string csrPem)
    {
        var csr = CertificateRequest.LoadSigningRequestPem(csrPem, HashAlgorithmName.SHA256);
        var serial = RandomNumberGenerator.GetBytes(12);
        using var leaf = csr.Create(ca, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow + CertificateLifetime, serial);
        return [leaf.ExportCertificatePem(), ca.ExportCertificatePem()];
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
        listener.Stop();
        try
        {
            await loop;
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }

        listener.Close();
        ca.Dispose();
        caKey.Dispose();
        stop.Dispose();
    }
}

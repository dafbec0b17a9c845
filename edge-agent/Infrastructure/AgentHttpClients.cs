using CloudWg.EdgeAgent.Enrollment;

namespace CloudWg.EdgeAgent.Infrastructure;

/// <summary>
/// The agent's two HTTP clients: one for storage (SAS in the URL, no client certificate) and one for the
/// control plane with the node's certificate for mutual TLS, rebuilt after each renewal.
/// </summary>
public sealed class AgentHttpClients(NodeIdentityStore identity) : IDisposable
{
    private readonly Lock gate = new();
    private HttpClient? controlPlane;

    public static TimeSpan RequestTimeout { get; } = TimeSpan.FromSeconds(30);

    public HttpClient Storage { get; } = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = RequestTimeout };

    /// <summary>A client presenting the node's current certificate; anonymous before enrollment.</summary>
    public HttpClient ControlPlane
    {
        get
        {
            lock (gate)
            {
                return controlPlane ??= Create(identity);
            }
        }
    }

    /// <summary>Drops the control-plane client so the next call uses the renewed certificate.</summary>
    public void CertificateChanged()
    {
        lock (gate)
        {
            controlPlane = null;
        }
    }

    public static HttpClient Create(NodeIdentityStore? identity)
    {
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        if (identity?.LoadClientCertificate() is { } certificate)
        {
            handler.SslOptions.ClientCertificates = [certificate];
        }

        return new HttpClient(handler) { Timeout = RequestTimeout };
    }

    public void Dispose()
    {
        Storage.Dispose();
        controlPlane?.Dispose();
    }
}

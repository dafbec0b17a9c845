using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using CloudWg.EdgeAgent.Enrollment;

namespace CloudWg.EdgeAgent.Infrastructure;

/// <summary>
/// The agent's two HTTP clients: one for storage (SAS in the URL) and one for the control plane that signs every
/// request with the node's key (<see cref="RequestSigningHandler"/>), rebuilt after each renewal.
/// </summary>
public sealed class AgentHttpClients(NodeIdentityStore identity, TimeProvider time) : IDisposable
{
    private readonly Lock gate = new();
    private HttpClient? controlPlane;

    public static TimeSpan RequestTimeout { get; } = TimeSpan.FromSeconds(30);

    public HttpClient Storage { get; } = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = RequestTimeout };

    /// <summary>A client signing with the node's current key and certificate; anonymous before enrollment.</summary>
    public HttpClient ControlPlane
    {
        get
        {
            lock (gate)
            {
                return controlPlane ??= Create(identity, time);
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

    /// <summary>The control-plane client: signs requests once <paramref name="identity"/> holds a certificate.</summary>
    public static HttpClient Create(NodeIdentityStore? identity, TimeProvider? time = null)
    {
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };

        if (identity?.GetTrustBundle()?.RootCertificatesPem is { Count: > 0 } roots)
        {
            // A control plane with a publicly trusted certificate (Azure's front end) passes the system check; one
            // serving a fleet-CA certificate (an embedded or self-hosted control plane) chains to the root pinned at
            // enrollment. Nothing else is accepted.
            var pinned = new X509Certificate2Collection();
            foreach (var pem in roots)
            {
                pinned.Add(X509Certificate2.CreateFromPem(pem));
            }

            handler.SslOptions.RemoteCertificateValidationCallback = (_, presented, chain, errors) =>
                errors == SslPolicyErrors.None
                || IsPinned(presented as X509Certificate2, errors, pinned, chain?.ChainElements.Select(e => e.Certificate));
        }

        return identity is null
            ? new HttpClient(handler) { Timeout = RequestTimeout }
            : new HttpClient(new RequestSigningHandler(identity, time ?? TimeProvider.System, handler)) { Timeout = RequestTimeout };
    }

    /// <summary>
    /// The enrollment client for <c>enroll --root-sha256</c>: accepts only a server certificate that chains to
    /// <paramref name="root"/> (already checked against the pin) and names the host; system trust is not consulted.
    /// </summary>
    public static HttpClient CreatePinned(X509Certificate2 root)
    {
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        handler.SslOptions.RemoteCertificateValidationCallback = (_, presented, chain, errors) =>
            IsPinned(presented as X509Certificate2, errors, [root], chain?.ChainElements.Select(e => e.Certificate));
        return new HttpClient(handler) { Timeout = RequestTimeout };
    }

    /// <summary>Whether <paramref name="presented"/> chains to one of the <paramref name="pinned"/> roots and names the host.</summary>
    /// <param name="intermediates">Certificates the server sent with its own (the fleet CA).</param>
    public static bool IsPinned(X509Certificate2? presented, SslPolicyErrors errors, X509Certificate2Collection pinned, IEnumerable<X509Certificate2>? intermediates = null)
    {
        if (presented is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch) || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(pinned);
        chain.ChainPolicy.ExtraStore.AddRange((intermediates ?? []).ToArray());
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(presented);
    }

    public void Dispose()
    {
        Storage.Dispose();
        controlPlane?.Dispose();
    }
}

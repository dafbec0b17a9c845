using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CloudWg.EdgeAgent.Infrastructure;

namespace CloudWg.EdgeAgent.Enrollment;

/// <summary>
/// <c>enroll --root-sha256</c>: the SHA-256 fingerprint of the fleet's root CA, for a control plane that serves HTTPS
/// with a fleet-CA certificate (embedded/local mode). The root is private, so system trust cannot vouch for it; the
/// fingerprint from the enrollment page does instead.
/// </summary>
public sealed class RootPin
{
    public const string RootCertificatePath = "api/agent/root-certificate";

    private RootPin(string sha256) => Sha256 = sha256;

    /// <summary>Upper-case hex without separators, as <see cref="X509Certificate.GetCertHashString(HashAlgorithmName)"/> gives it.</summary>
    public string Sha256 { get; }

    /// <summary>Parses hex in either case, with or without colons (<c>AB:CD:…</c> as openssl prints it).</summary>
    public static RootPin Parse(string value)
    {
        var hex = value.Replace(":", string.Empty, StringComparison.Ordinal).Trim().ToUpperInvariant();
        if (hex.Length != 64 || !hex.All(char.IsAsciiHexDigit))
        {
            throw new ControlPlaneException($"--root-sha256 must be the root certificate's SHA-256 fingerprint (64 hex digits, colons allowed), not '{value}'.");
        }

        return new RootPin(hex);
    }

    public static string Fingerprint(X509Certificate2 certificate) => certificate.GetCertHashString(HashAlgorithmName.SHA256);

    public bool Matches(X509Certificate2 certificate) => Fingerprint(certificate) == Sha256;

    /// <summary>
    /// Fetches the root certificate from the control plane and checks it against the pin, and that the TLS
    /// certificate of that same connection chains to it and names the host; throws a
    /// <see cref="ControlPlaneException"/> naming the expected and the seen fingerprint otherwise.
    /// </summary>
    /// <remarks>
    /// The server cannot hand the root over in the TLS handshake (TLS stacks leave the root out of the chain they send), so
    /// it is fetched: the fingerprint authenticates the download, whatever the connection was.
    /// </remarks>
    public async Task<X509Certificate2> FetchRootAsync(Uri controlUrl, CancellationToken cancellationToken)
    {
        var shown = controlUrl.AbsoluteUri.TrimEnd('/');
        if (controlUrl.Scheme != Uri.UriSchemeHttps)
        {
            throw new ControlPlaneException($"--root-sha256 pins the control plane's HTTPS certificate, but --control-url {shown} is not https.");
        }

        Presented? presented = null;
        using var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
        {
            // Accepted here and judged below, once the root is known.
            presented = certificate is null ? null : new Presented(
                X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()),
                chain?.ChainElements.Select(e => X509CertificateLoader.LoadCertificate(e.Certificate.RawData)).ToList() ?? [],
                errors);
            return true;
        };
        using var http = new HttpClient(handler) { Timeout = AgentHttpClients.RequestTimeout };
        var url = new Uri(new Uri(shown + "/"), RootCertificatePath);
        string pem;
        try
        {
            using var response = await http.GetAsync(url, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new ControlPlaneException($"The control plane at {shown} did not hand out its root certificate ({(int)response.StatusCode} from {url}); is --control-url right?", (int)response.StatusCode);
            }

            pem = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new ControlPlaneException($"Cannot reach the control plane at {shown}: {e.Message}. Check the URL and that this host can reach it.", null, e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ControlPlaneException($"The control plane at {shown} did not answer within {http.Timeout.TotalSeconds:0} s.", null, e);
        }

        using var tls = presented;
        X509Certificate2 root;
        try
        {
            root = X509Certificate2.CreateFromPem(pem);
        }
        catch (CryptographicException e)
        {
            throw new ControlPlaneException($"The control plane at {shown} answered {url} with something that is not a certificate.", null, e);
        }

        try
        {
            if (!Matches(root))
            {
                throw new ControlPlaneException(
                    $"The control plane at {shown} has root SHA-256 {Fingerprint(root)}, but --root-sha256 expects {Sha256}. " +
                    "Check the fingerprint on the enrollment page and that this host reaches the right control plane. Nothing was saved.");
            }

            if (tls is null)
            {
                throw new ControlPlaneException($"The control plane at {shown} presented no TLS certificate. Nothing was saved.");
            }

            // The certificate of that same connection must chain to the pinned root and name the host; the system's
            // trust store is not consulted (the fleet root is private).
            if (!AgentHttpClients.IsPinned(tls.Certificate, tls.Errors, [root], tls.Chain))
            {
                var top = tls.Chain.Count > 0 ? tls.Chain[^1] : tls.Certificate;
                throw tls.Errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch)
                    ? new ControlPlaneException($"The control plane's TLS certificate does not name {controlUrl.Host}; check --control-url. Nothing was saved.")
                    : new ControlPlaneException(
                        $"The control plane at {shown} presents a TLS certificate that does not chain to the root --root-sha256 expects ({Sha256}): " +
                        $"its chain ends in '{top.Subject}', SHA-256 {Fingerprint(top)}. Check that this host reaches the control plane directly. Nothing was saved.");
            }

            return root;
        }
        catch
        {
            root.Dispose();
            throw;
        }
    }

    /// <summary>Throws unless the trust bundle's roots are exactly the pinned one: a lying server must not switch roots.</summary>
    public void CheckIssued(IssuedCredentials issued)
    {
        var roots = issued.TrustBundle?.RootCertificatesPem;
        if (roots is not { Count: > 0 })
        {
            throw new ControlPlaneException($"The control plane's enrollment answer names no root certificate, but --root-sha256 expects {Sha256}. Nothing was saved.");
        }

        foreach (var pem in roots)
        {
            using var root = X509Certificate2.CreateFromPem(pem);
            if (!Matches(root))
            {
                throw new ControlPlaneException(
                    $"The control plane's trust bundle names root SHA-256 {Fingerprint(root)}, but --root-sha256 expects {Sha256}; it must not switch roots. Nothing was saved.");
            }
        }
    }

    private sealed record Presented(X509Certificate2 Certificate, List<X509Certificate2> Chain, SslPolicyErrors Errors) : IDisposable
    {
        public void Dispose()
        {
            Certificate.Dispose();
            foreach (var c in Chain)
            {
                c.Dispose();
            }
        }
    }
}

using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using CloudWg.EdgeAgent.Native;

namespace CloudWg.SystemTests.Harness;

/// <summary>
/// A TLS service that exists only behind a WireGuard peer: it listens on the peer's tunnel address in the client
/// namespace with its own certificate (a test CA's, for the names it serves), answers each HTTP request with the
/// client address it saw — the PROXY protocol v2 source when it expects that header, else the TCP peer — and keeps
/// connections open for more requests.
/// </summary>
public sealed class TlsBackend : IAsyncDisposable
{
    private readonly TcpListener listener;
    private readonly X509Certificate2 certificate;
    private readonly bool proxyV2;
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;

    private TlsBackend(TcpListener listener, X509Certificate2 certificate, bool proxyV2)
    {
        this.listener = listener;
        this.certificate = certificate;
        this.proxyV2 = proxyV2;
        loop = Task.Run(AcceptAsync);
    }

    /// <summary>SHA-256 of the certificate it serves: what a client must receive when TLS is not terminated on the way.</summary>
    public string Thumbprint => certificate.GetCertHashString(HashAlgorithmName.SHA256);

    public static TlsBackend Start(string ns, string address, int port, IReadOnlyList<string> names, bool proxyV2)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={names[0]}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in names)
        {
            san.AddDnsName(name);
        }

        request.CertificateExtensions.Add(san.Build());
        using var self = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(1));
        var certificate = X509CertificateLoader.LoadPkcs12(self.Export(X509ContentType.Pkcs12), null);
        var listener = NamespaceThread.Run(ns, () =>
        {
            var l = new TcpListener(IPAddress.Parse(address), port);
            l.Start();
            return l;
        });
        return new TlsBackend(listener, certificate, proxyV2);
    }

    private async Task AcceptAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stop.Token);
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var seen = ((IPEndPoint)client.Client.RemoteEndPoint!).Address.ToString();
                if (proxyV2)
                {
                    seen = await ReadProxyV2SourceAsync(stream);
                }

                await using var tls = new SslStream(stream);
                await tls.AuthenticateAsServerAsync(certificate);
                using var reader = new StreamReader(tls, Encoding.ASCII, leaveOpen: true);
                while (await reader.ReadLineAsync(stop.Token) is { } line)
                {
                    if (line.Length > 0)
                    {
                        continue;
                    }

                    // End of a request's headers: answer it, keep the connection.
                    var body = $"backend saw {seen}";
                    await tls.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Length: {body.Length}\r\n\r\n{body}"), stop.Token);
                }
            }
            catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException or OperationCanceledException or InvalidDataException)
            {
                // The client went away or was not one.
            }
        }
    }

    /// <summary>The source address of a PROXY protocol v2 header (IPv4 or IPv6, TCP).</summary>
    private static async Task<string> ReadProxyV2SourceAsync(NetworkStream stream)
    {
        var header = new byte[16];
        await stream.ReadExactlyAsync(header);
        byte[] signature = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];
        if (!header.AsSpan(0, 12).SequenceEqual(signature) || header[12] >> 4 != 2)
        {
            throw new InvalidDataException("no PROXY v2 header");
        }

        var rest = new byte[(header[14] << 8) | header[15]];
        await stream.ReadExactlyAsync(rest);
        return (header[13] >> 4) switch
        {
            1 => new IPAddress(rest.AsSpan(0, 4)).ToString(),
            2 => new IPAddress(rest.AsSpan(0, 16)).ToString(),
            _ => throw new InvalidDataException("PROXY v2 header without an address"),
        };
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        listener.Stop();
        await loop.ContinueWith(_ => { }, TaskScheduler.Default);
        certificate.Dispose();
        stop.Dispose();
    }
}

/// <summary>A TLS client from a namespace: the certificate the server sent, and HTTP requests over one connection.</summary>
public sealed class TlsProbe : IAsyncDisposable
{
    private readonly TcpClient tcp;
    private readonly SslStream tls;

    private TlsProbe(TcpClient tcp, SslStream tls, X509Certificate2 certificate)
    {
        this.tcp = tcp;
        this.tls = tls;
        ServerCertificate = certificate;
    }

    public X509Certificate2 ServerCertificate { get; }

    /// <summary>Connects to <paramref name="host"/>:<paramref name="port"/> from <paramref name="ns"/> with SNI <paramref name="sni"/>; throws when no TLS session comes up.</summary>
    public static async Task<TlsProbe> ConnectAsync(string ns, string host, int port, string sni)
    {
        var tcp = NamespaceThread.Run(ns, () => new TcpClient(AddressFamily.InterNetwork));
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await tcp.ConnectAsync(IPAddress.Parse(host), port, timeout.Token);
            X509Certificate2? seen = null;
            var tls = new SslStream(tcp.GetStream(), false, (_, certificate, _, _) =>
            {
                seen = certificate is null ? null : new X509Certificate2(certificate);
                return true;
            });
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = sni }, timeout.Token);
            return new TlsProbe(tcp, tls, seen ?? throw new IOException("no server certificate"));
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
    }

    /// <summary>One request on this connection; the response body.</summary>
    public async Task<string> GetAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await tls.WriteAsync("GET / HTTP/1.1\r\nHost: probe\r\n\r\n"u8.ToArray(), timeout.Token);
        var buffer = new byte[4096];
        var text = new StringBuilder();
        while (!text.ToString().Contains("\r\n\r\n", StringComparison.Ordinal) || !BodyComplete(text.ToString()))
        {
            var read = await tls.ReadAsync(buffer, timeout.Token);
            if (read == 0)
            {
                throw new IOException("the connection closed");
            }

            text.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        var all = text.ToString();
        return all[(all.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..];
    }

    private static bool BodyComplete(string response)
    {
        var headerEnd = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var length = response.Split("\r\n").FirstOrDefault(l => l.StartsWith("Content-Length: ", StringComparison.Ordinal));
        return length is not null && response.Length - headerEnd - 4 >= int.Parse(length["Content-Length: ".Length..], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Whether a TLS session with <paramref name="sni"/> comes up at all.</summary>
    public static async Task<bool> ConnectsAsync(string ns, string host, int port, string sni)
    {
        try
        {
            await using var probe = await ConnectAsync(ns, host, port, sni);
            await probe.GetAsync();
            return true;
        }
        catch (Exception e) when (e is IOException or SocketException or System.Security.Authentication.AuthenticationException or OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await tls.DisposeAsync();
        tcp.Dispose();
        ServerCertificate.Dispose();
    }
}

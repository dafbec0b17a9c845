using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using CloudWg.EdgeAgent.Enrollment;
using CloudWg.Protocol.HttpSignatures;

namespace CloudWg.EdgeAgent.Infrastructure;

/// <summary>
/// Signs every control-plane request with the node's TLS key (RFC 9421, <see cref="NodeRequestSignature"/>) once the
/// node is enrolled, so that renewal and the pull fallback work behind any HTTPS front end: no client certificate
/// has to survive the way. Reads back the control plane's clock-skew report for <c>cloudwg-agent status</c>.
/// </summary>
public sealed class RequestSigningHandler(NodeIdentityStore identity, TimeProvider time, HttpMessageHandler inner) : DelegatingHandler(inner)
{
    public const string ClockSkewHeader = "CloudWg-Clock-Skew";

    private readonly Lazy<(ECDsa Key, byte[] Certificate)?> credentials = new(() => Load(identity));

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (credentials.Value is { } c && request.RequestUri is { } target)
        {
            byte[]? body = null;
            if (request.Content is { } content)
            {
                // The digest must cover the bytes that are sent: buffer them once, send exactly those.
                body = await content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
                var buffered = new ByteArrayContent(body);
                foreach (var header in content.Headers)
                {
                    buffered.Headers.TryAddWithoutValidation(header.Key, header.Value);
                }

                request.Content = buffered;
                content.Dispose();
            }
            else if (request.Method == HttpMethod.Post || request.Method == HttpMethod.Put || request.Method == HttpMethod.Patch)
            {
                body = [];
            }

            foreach (var (name, value) in NodeRequestSignature.Sign(request.Method.Method, target, body, c.Key, c.Certificate, time.GetUtcNow()))
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (credentials.Value is not null)
        {
            identity.RecordClockSkew(Skew(response.Headers), time.GetUtcNow());
        }

        return response;
    }

    private static long? Skew(HttpResponseHeaders headers) =>
        headers.TryGetValues(ClockSkewHeader, out var values)
        && long.TryParse(values.FirstOrDefault(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds) ? seconds : null;

    private static (ECDsa, byte[])? Load(NodeIdentityStore identity)
    {
        using var leaf = identity.LoadLeafCertificate();
        var key = leaf is null ? null : identity.LoadTlsKey();
        return leaf is null || key is null ? null : (key, leaf.RawData);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && credentials.IsValueCreated && credentials.Value is { } c)
        {
            c.Key.Dispose();
        }

        base.Dispose(disposing);
    }
}

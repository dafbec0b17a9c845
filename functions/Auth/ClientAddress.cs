using Microsoft.Extensions.Options;

namespace CloudWg.Functions.Auth;

/// <summary>
/// The client's address for rate limits and the audit log: the connection's, or with
/// <see cref="AuthOptions.TrustForwardedFor"/> (behind the Functions front end, where every connection comes from the
/// host on loopback) the first <c>X-Forwarded-For</c> entry ("1.2.3.4" or "1.2.3.4:5678").
/// </summary>
public sealed class ClientAddress(IOptions<AuthOptions> options)
{
    public string Of(HttpContext context)
    {
        if (options.Value.TrustForwardedFor
            && context.Request.Headers["X-Forwarded-For"].ToString() is { Length: > 0 } forwarded)
        {
            var first = forwarded.Split(',')[0].Trim();
            if (System.Net.IPAddress.TryParse(first, out var parsed))
            {
                return parsed.ToString();
            }

            // "1.2.3.4:5678" as some proxies send it.
            if (System.Net.IPEndPoint.TryParse(first, out var endpoint))
            {
                return endpoint.Address.ToString();
            }
        }

        return context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
    }
}

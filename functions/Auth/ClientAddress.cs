using Microsoft.Extensions.Options;

namespace CloudWg.Functions.Auth;

/// <summary>
/// The client's address for rate limits and the audit log: the connection's, or with
/// <see cref="AuthOptions.ClientAddressHeader"/> (behind a front end, where every connection comes from the host on
/// loopback) the address in that header ("1.2.3.4", "[::1]:5678" or "1.2.3.4:5678"). A header that is missing or
/// holds no address falls back to the connection's.
/// </summary>
public sealed class ClientAddress(IOptions<AuthOptions> options)
{
    public string Of(HttpContext context)
    {
        if (options.Value.ClientAddressHeader is { Length: > 0 } name
            && context.Request.Headers[name].ToString().Trim() is { Length: > 0 } value)
        {
            if (System.Net.IPAddress.TryParse(value, out var parsed))
            {
                return parsed.ToString();
            }

            if (System.Net.IPEndPoint.TryParse(value, out var endpoint))
            {
                return endpoint.Address.ToString();
            }
        }

        return context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
    }
}

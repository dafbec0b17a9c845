using System.Net;
using Microsoft.Extensions.Options;

namespace CloudWg.Functions.Agent;

/// <summary>The caller's address: the connection's, or the front end's <c>X-Forwarded-For</c> when configured to trust it.</summary>
public sealed class ClientAddress(IOptions<FrontEndOptions> options)
{
    public IPAddress? Of(HttpContext context)
    {
        if (options.Value.BehindFunctionsFrontEnd
            && context.Request.Headers["X-Forwarded-For"].FirstOrDefault() is { } forwarded)
        {
            var first = forwarded.Split(',')[0].Trim();
            if (IPEndPoint.TryParse(first, out var endpoint))
            {
                return endpoint.Address;
            }
        }

        return context.Connection.RemoteIpAddress;
    }
}

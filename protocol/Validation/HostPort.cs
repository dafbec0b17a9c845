using System.Net;
using System.Net.Sockets;

namespace CloudWg.Protocol.Validation;

/// <summary>
/// <c>address:port</c> endpoints: <c>10.44.0.7:443</c>, <c>[fd00::7]:443</c>; for listeners also <c>:443</c> (all addresses).
/// Addresses must be in canonical text form.
/// </summary>
public static class HostPort
{
    /// <summary>Parses an upstream such as <c>10.44.0.7:443</c> or <c>[fd00::7]:443</c>.</summary>
    public static bool TryParseEndpoint(string? text, out IPEndPoint endpoint)
    {
        endpoint = new IPEndPoint(IPAddress.None, 0);
        if (string.IsNullOrEmpty(text) || text.Length > 64)
        {
            return false;
        }

        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !PortRange.TryParsePort(text.AsSpan(colon + 1), out var port))
        {
            return false;
        }

        var host = text[..colon];
        var bracketed = host.StartsWith('[') && host.EndsWith(']');
        if (bracketed)
        {
            host = host[1..^1];
        }

        if (host.Contains('%') || !IPAddress.TryParse(host, out var address))
        {
            return false;
        }

        // IPv6 must be bracketed and IPv4 must not; the text must be canonical.
        var isV6 = address.AddressFamily == AddressFamily.InterNetworkV6;
        if (isV6 != bracketed || !string.Equals(address.ToString(), host, StringComparison.Ordinal))
        {
            return false;
        }

        endpoint = new IPEndPoint(address, port);
        return true;
    }

    /// <summary>Parses a listener: <c>:443</c> (every address) or an endpoint as in <see cref="TryParseEndpoint"/>.</summary>
    /// <param name="address">Null for <c>:port</c>.</param>
    public static bool TryParseListen(string? text, out IPAddress? address, out int port)
    {
        address = null;
        port = 0;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        if (text[0] == ':')
        {
            return PortRange.TryParsePort(text.AsSpan(1), out port);
        }

        if (!TryParseEndpoint(text, out var endpoint))
        {
            return false;
        }

        address = endpoint.Address;
        port = endpoint.Port;
        return true;
    }
}

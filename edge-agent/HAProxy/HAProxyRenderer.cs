using System.Globalization;
using System.Net;
using System.Text;
using CloudWg.Protocol.DesiredStates;

namespace CloudWg.EdgeAgent.HAProxy;

/// <summary>
/// Renders L4 routes as the agent's own HAProxy configuration file: per listen address one <c>mode tcp</c> frontend
/// that waits for the TLS ClientHello (<c>tcp-request inspect-delay</c>, accept on <c>req.ssl_hello_type 1</c>) and
/// picks a backend by <c>req.ssl_sni</c> — exact names case-insensitively, a wildcard <c>*.example.com</c> as exactly
/// one more label — and per route one backend with the peer as its only server, with <c>send-proxy</c> /
/// <c>send-proxy-v2</c> for PROXY protocol. No default backend: an SNI no route names is closed. TLS is never
/// terminated. Names carry <see cref="Prefix"/>. Pure: same input, same text.
/// </summary>
public static class HAProxyRenderer
{
    public const string Prefix = "cloudwg-";

    public const string Header = "# Managed by cloudwg-agent from this node's signed desired state. Edits are reverted; see edge-agent/README.md.";

    public static string Render(L4Spec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var text = new StringBuilder(Header).Append('\n');
        var backends = new StringBuilder();
        foreach (var (listen, routes) in MergeByListen(spec))
        {
            text.Append('\n')
                .Append("frontend ").Append(Prefix).Append(Name(listen)).Append('\n')
                .Append("    mode tcp\n")
                .Append("    bind ").Append(Bind(listen)).Append('\n')
                .Append("    timeout client 1h\n")
                .Append("    tcp-request inspect-delay 5s\n")
                .Append("    tcp-request content accept if { req.ssl_hello_type 1 }\n");
            foreach (var route in routes)
            {
                var backend = BackendName(route);
                foreach (var sni in route.Sni.Select(s => s.ToLowerInvariant()))
                {
                    text.Append("    use_backend ").Append(backend).Append(" if ").Append(Acl(route, sni)).Append('\n');
                }

                backends.Append('\n')
                    .Append("backend ").Append(backend).Append('\n')
                    .Append("    mode tcp\n")
                    .Append("    timeout connect 5s\n")
                    .Append("    timeout server 1h\n")
                    .Append("    server peer ").Append(Upstream(route)).Append(route.ProxyProtocol switch
                    {
                        ProxyProtocol.V1 => " send-proxy",
                        ProxyProtocol.V2 => " send-proxy-v2",
                        _ => "",
                    }).Append('\n');
            }
        }

        return text.Append(backends).ToString();
    }

    /// <summary>Routes grouped by listen address, in order of first appearance: one frontend per socket.</summary>
    public static IReadOnlyList<(string Listen, IReadOnlyList<L4Route> Routes)> MergeByListen(L4Spec spec) =>
        [.. spec.Servers.Where(s => s.Routes.Count > 0).GroupBy(s => s.Listen, StringComparer.Ordinal)
            .Select(g => (g.Key, (IReadOnlyList<L4Route>)[.. g.SelectMany(s => s.Routes)]))];

    private static string Acl(L4Route route, string sni)
    {
        if (!IsValidSni(sni))
        {
            throw new ArgumentException($"L4 route '{route.Id}': sni '{sni}' is not a valid DNS name (a wildcard is allowed only as the whole left-most label).", nameof(route));
        }

        // Quoted with single quotes: HAProxy takes the pattern verbatim (no escape processing).
        return sni.StartsWith("*.", StringComparison.Ordinal)
            ? "{ req.ssl_sni -m reg -i '^[^.]+" + System.Text.RegularExpressions.Regex.Escape(sni[1..]) + "$' }"
            : "{ req.ssl_sni -i " + sni + " }";
    }

    private static string Upstream(L4Route route)
    {
        if (!IPEndPoint.TryParse(route.Upstream, out var upstream) || upstream.Port == 0)
        {
            throw new ArgumentException($"L4 route '{route.Id}': upstream '{route.Upstream}' must be address:port, e.g. 10.44.0.7:443 or [fd00::7]:443.", nameof(route));
        }

        return upstream.ToString();
    }

    private static string BackendName(L4Route route)
    {
        if (route.Id.Length is 0 or > 64 || !route.Id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            throw new ArgumentException($"L4 route id '{route.Id}' must be 1-64 letters, digits, '-' or '_'.", nameof(route));
        }

        return Prefix + "route-" + route.Id;
    }

    /// <summary><c>:443</c> → <c>443</c>, <c>10.0.0.1:443</c> → <c>10.0.0.1-443</c>.</summary>
    private static string Name(string listen) =>
        new string([.. listen.Select(c => char.IsAsciiLetterOrDigit(c) || c == '.' ? c : '-')]).Trim('-').Replace("--", "-", StringComparison.Ordinal);

    private static string Bind(string listen)
    {
        var colon = listen.LastIndexOf(':');
        if (colon < 0 || !int.TryParse(listen.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw new ArgumentException($"L4 listen address '{listen}' must end in :port (1-65535), e.g. ':443'.", nameof(listen));
        }

        var host = listen[..colon].Trim('[', ']');
        if (host.Length > 0 && !IPAddress.TryParse(host, out _))
        {
            throw new ArgumentException($"L4 listen address '{listen}' must be :port or an IP address and port.", nameof(listen));
        }

        return host.Length == 0 ? $":{port}" : host.Contains(':', StringComparison.Ordinal) ? $"[{host}]:{port}" : $"{host}:{port}";
    }

    private static bool IsValidSni(string name)
    {
        if (name.Length is 0 or > 253)
        {
            return false;
        }

        var labels = name.Split('.');
        return labels.Length >= 2 && labels.Select((label, i) => (label, i)).All(l =>
            (l.label == "*" && l.i == 0)
            || (l.label.Length is > 0 and <= 63 && l.label[0] != '-' && l.label[^1] != '-' && l.label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')));
    }
}

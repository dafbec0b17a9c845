using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using CloudWg.Protocol.DesiredStates;

namespace CloudWg.EdgeAgent.Caddy;

/// <summary>
/// Renders L4 routes as caddy-l4 servers (<c>apps.layer4.servers</c>), following caddy-l4's documented JSON:
/// each server has <c>listen</c> and <c>routes</c>; each route matches TLS by SNI
/// (<c>match: [{tls: {sni: [...]}}]</c>) and proxies the still-encrypted stream to the peer
/// (<c>handle: [{handler: "proxy", proxy_protocol?, upstreams: [{dial: ["10.44.0.7:443"]}]}]</c>).
/// Server names carry the <see cref="ServerPrefix"/> so the agent can tell its servers from the operator's.
/// Pure: same input, same JSON.
/// </summary>
public static class CaddyL4Renderer
{
    public const string ServerPrefix = "cloudwg-";

    /// <summary>One server per listen address: servers of the spec that share one are merged (one socket, one server).</summary>
    public static JsonObject RenderServers(L4Spec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var servers = new JsonObject();
        foreach (var group in spec.Servers.GroupBy(s => s.Listen, StringComparer.Ordinal))
        {
            var routes = new JsonArray();
            foreach (var route in group.SelectMany(s => s.Routes))
            {
                routes.Add((JsonNode)RenderRoute(route));
            }

            servers[ServerName(group.Key)] = new JsonObject
            {
                ["listen"] = new JsonArray(group.Key),
                ["routes"] = routes,
            };
        }

        return servers;
    }

    /// <summary>
    /// The first clash between a listen address with routes and a port Caddy's http app already listens on, as an
    /// operator-readable reason; null when there is none. Both apps cannot bind one socket: caddy-l4 shares a port
    /// with HTTP only through its <c>layer4</c> listener wrapper inside the HTTP server, which is the operator's to
    /// configure (edge-agent/README.md), so such a route is refused rather than half-applied.
    /// </summary>
    public static string? HttpPortConflict(JsonNode? config, L4Spec spec)
    {
        if (config?["apps"]?["http"]?["servers"] is not JsonObject http)
        {
            return null;
        }

        foreach (var server in spec.Servers.Where(s => s.Routes.Count > 0))
        {
            var port = Port(server.Listen);
            foreach (var (name, httpServer) in http)
            {
                foreach (var listen in (httpServer?["listen"] as JsonArray ?? []).Select(l => (string?)l).OfType<string>())
                {
                    if (Port(listen) == port)
                    {
                        return $"Caddy's http server '{name}' already listens on {listen}, so the L4 routes on {server.Listen} cannot have their own server there. " +
                            "Route SNI on another port, or add caddy-l4's layer4 listener wrapper to that http server (edge-agent/README.md).";
                    }
                }
            }
        }

        return null;
    }

    private static int? Port(string listen)
    {
        var text = listen.Contains("://", StringComparison.Ordinal) ? listen[(listen.IndexOf("://", StringComparison.Ordinal) + 3)..] : listen;
        var colon = text.LastIndexOf(':');
        var range = colon < 0 ? text : text[(colon + 1)..];
        return int.TryParse(range.Split('-')[0], NumberStyles.None, CultureInfo.InvariantCulture, out var port) ? port : null;
    }

    /// <summary><c>:443</c> → <c>cloudwg-443</c>, <c>10.0.0.1:443</c> → <c>cloudwg-10.0.0.1-443</c>.</summary>
    public static string ServerName(string listen)
    {
        ValidateListen(listen);
        var chars = listen.Select(c => char.IsAsciiLetterOrDigit(c) || c == '.' ? c : '-').ToArray();
        return ServerPrefix + new string(chars).Trim('-').Replace("--", "-", StringComparison.Ordinal);
    }

    private static JsonObject RenderRoute(L4Route route)
    {
        if (route.Sni.Count == 0)
        {
            throw new ArgumentException($"L4 route '{route.Id}': sni must name at least one host.", nameof(route));
        }

        foreach (var name in route.Sni)
        {
            if (!IsValidSni(name))
            {
                throw new ArgumentException($"L4 route '{route.Id}': sni '{name}' is not a valid DNS name (a wildcard is allowed only as the whole left-most label).", nameof(route));
            }
        }

        if (!IPEndPoint.TryParse(route.Upstream, out var upstream) || upstream.Port == 0)
        {
            throw new ArgumentException($"L4 route '{route.Id}': upstream '{route.Upstream}' must be address:port, e.g. 10.44.0.7:443 or [fd00::7]:443.", nameof(route));
        }

        var proxy = new JsonObject { ["handler"] = "proxy" };
        if (route.ProxyProtocol is ProxyProtocol.V1 or ProxyProtocol.V2)
        {
            proxy["proxy_protocol"] = route.ProxyProtocol == ProxyProtocol.V1 ? "v1" : "v2";
        }

        proxy["upstreams"] = new JsonArray((JsonNode)new JsonObject { ["dial"] = new JsonArray(upstream.ToString()) });
        var sni = new JsonArray();
        foreach (var name in route.Sni)
        {
            sni.Add((JsonNode)name.ToLowerInvariant());
        }

        return new JsonObject
        {
            ["match"] = new JsonArray((JsonNode)new JsonObject { ["tls"] = new JsonObject { ["sni"] = sni } }),
            ["handle"] = new JsonArray((JsonNode)proxy),
        };
    }

    private static void ValidateListen(string listen)
    {
        var colon = listen.LastIndexOf(':');
        if (colon < 0 || !int.TryParse(listen.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw new ArgumentException($"L4 listen address '{listen}' must end in :port (1-65535), e.g. ':443'.", nameof(listen));
        }
    }

    private static bool IsValidSni(string name)
    {
        if (name.Length is 0 or > 253)
        {
            return false;
        }

        var labels = name.Split('.');
        if (labels.Length < 2)
        {
            return false;
        }

        for (var i = 0; i < labels.Length; i++)
        {
            var label = labels[i];
            if (label == "*" && i == 0)
            {
                continue;
            }

            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-' || !label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            {
                return false;
            }
        }

        return true;
    }
}

using CloudWg.Functions.Nodes;
using CloudWg.Functions.Validation;
using CloudWg.Protocol.DesiredStates;

namespace CloudWg.Functions.Routes;

/// <summary>Reads a route body (create, or patch where absent fields keep their values).</summary>
public static class RouteInput
{
    public const int MaxNames = 32;

    public static SniRoute Read(FieldReader r, Node node, SniRoute? existing, string id, DateTimeOffset now)
    {
        bool Take(string field) => existing is null || r.IsPresent(field);

        IReadOnlyList<string> sni = existing?.Sni ?? [];
        if (Take("sni"))
        {
            var names = r.StringList("sni", MaxNames, FieldChecks.Sni, required: true, maxLength: 253);
            if (names is { Count: 0 })
            {
                r.Error("sni", "must hold at least one host name.");
            }

            sni = names?.Select(n => n.ToLowerInvariant()).ToList() ?? [];
            for (var i = 0; i < sni.Count; i++)
            {
                if (sni.Take(i).Contains(sni[i], StringComparer.Ordinal))
                {
                    r.ItemError("sni", i, "repeats an earlier name.");
                }
            }
        }

        var listen = Take("listen")
            ? r.String("listen", maxLength: 64, check: l => node.L4Listen.Contains(l, StringComparer.Ordinal)
                ? null
                : $"must be one of the node's l4Listen addresses: {string.Join(", ", node.L4Listen)}.") ?? node.L4Listen.FirstOrDefault() ?? Node.DefaultL4Listen
            : existing!.Listen;
        var peerId = Take("peerId") ? r.String("peerId", required: true, 64) ?? "" : existing!.PeerId;
        var port = Take("port") ? r.Int("port", 1, 65535, required: true) ?? 0 : existing!.Port;
        var proxy = Take("proxyProtocol") ? r.Enum("proxyProtocol", WireEnums.ProxyProtocols) ?? ProxyProtocol.None : existing!.ProxyProtocol;
        var enabled = Take("enabled") ? r.Bool("enabled") ?? true : existing!.Enabled;
        return new SniRoute(id, node.Id, listen, sni, peerId, port, proxy, enabled, existing?.CreatedAt ?? now, now, existing?.ETag ?? default);
    }
}

using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using CloudWg.Protocol.DesiredStates;

namespace CloudWg.EdgeAgent.Nftables;

/// <summary>
/// Renders the node's firewall as one libnftables JSON batch that replaces table <c>inet cloudwg</c>
/// atomically (<c>add table; delete table; add table; …</c> — the first add makes the delete valid when the
/// table does not exist yet) and never names any other table. Pure: same input, same bytes.
/// </summary>
/// <remarks>
/// Only tunnel traffic is judged, so an operator can never lock themselves out of SSH: the base chains accept
/// by default and jump into the policy chains only for packets that arrived on the WireGuard interface.
/// Input: the node itself; forward: peer to peer (also peer to an L4 upstream, which is a peer); egress: from
/// the tunnel out through any other interface. Every rule counts; each policy chain starts by accepting
/// established/related traffic and ends with the policy verdict. Forwarded TCP into and out of the tunnel has its
/// MSS clamped to the route's MTU (the tunnel's is smaller than the path's). An exit node
/// (<see cref="NftablesRenderContext.EgressInterface"/>) adds a nat chain at postrouting that masquerades tunnel
/// traffic leaving by that interface; filtering (egress policy and rules) runs first, at forward. Without one, the
/// egress chain ends with drop.
/// </remarks>
public static class NftablesRenderer
{
    /// <summary>Address lists longer than this per family go into a named set instead of an inline anonymous set.</summary>
    public const int NamedSetThreshold = 8;

    public static string Render(FirewallSpec spec, NftablesRenderContext context) => Build(spec, context).ToJsonString();

    public static JsonObject Build(FirewallSpec spec, NftablesRenderContext context)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(context);
        Validate(context);

        var commands = new JsonArray(
            new JsonObject { ["metainfo"] = new JsonObject { ["json_schema_version"] = 1 } },
            Command("add", "table", Table()),
            Command("delete", "table", Table()),
            Command("add", "table", Table()),
            Command("add", "chain", BaseChain(NftablesNames.InputChain, "input")),
            Command("add", "chain", BaseChain(NftablesNames.ForwardChain, "forward")),
            Command("add", "chain", Chain(NftablesNames.TunnelInputChain)),
            Command("add", "chain", Chain(NftablesNames.TunnelForwardChain)),
            Command("add", "chain", Chain(NftablesNames.TunnelEgressChain)));
        if (context.EgressInterface is not null)
        {
            commands.Add(Command("add", "chain", BaseChain(NftablesNames.PostroutingChain, "postrouting", "nat", 100)));
        }

        var sets = new List<JsonObject>();
        var rules = new List<JsonObject>();
        var wg = context.InterfaceName;

        rules.Add(Rule(NftablesNames.InputChain, NftablesNames.WireGuardPortComment,
            Match(Payload("udp", "dport"), context.ListenPort), Counter(), Verdict("accept")));
        var l4Ports = context.L4Ports.Distinct().Order().ToList();
        if (l4Ports.Count > 0)
        {
            rules.Add(Rule(NftablesNames.InputChain, NftablesNames.L4PortsComment,
                Match(Payload("tcp", "dport"), l4Ports.Count == 1 ? l4Ports[0] : SetOf(l4Ports.Select(p => (JsonNode)p))),
                Counter(), Verdict("accept")));
        }

        rules.Add(Rule(NftablesNames.InputChain, NftablesNames.TunnelInputComment,
            Match(Meta("iifname"), wg), Counter(), Jump(NftablesNames.TunnelInputChain)));
        foreach (var (direction, comment) in new[] { ("iifname", NftablesNames.MssClampInComment), ("oifname", NftablesNames.MssClampOutComment) })
        {
            rules.Add(Rule(NftablesNames.ForwardChain, comment,
                Match(Meta(direction), wg),
                Match(Payload("tcp", "flags"), "syn", "in"),
                new JsonObject
                {
                    ["mangle"] = new JsonObject
                    {
                        ["key"] = new JsonObject { ["tcp option"] = new JsonObject { ["name"] = "maxseg", ["field"] = "size" } },
                        ["value"] = new JsonObject { ["rt"] = new JsonObject { ["key"] = "mtu" } },
                    },
                },
                Counter()));
        }

        rules.Add(Rule(NftablesNames.ForwardChain, NftablesNames.TunnelForwardComment,
            Match(Meta("iifname"), wg), Match(Meta("oifname"), wg), Counter(), Jump(NftablesNames.TunnelForwardChain)));
        rules.Add(Rule(NftablesNames.ForwardChain, NftablesNames.TunnelEgressComment,
            Match(Meta("iifname"), wg), Match(Meta("oifname"), wg, "!="), Counter(), Jump(NftablesNames.TunnelEgressChain)));

        var ordered = spec.Rules
            .OrderBy(r => r.Priority)
            .ThenBy(r => r.Id, StringComparer.Ordinal)
            .ToList();
        var setNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (direction, chain, policy) in new[]
                 {
                     (FirewallDirection.Input, NftablesNames.TunnelInputChain, spec.Policies.Input),
                     (FirewallDirection.Forward, NftablesNames.TunnelForwardChain, spec.Policies.Forward),
                     (FirewallDirection.Egress, NftablesNames.TunnelEgressChain, spec.Policies.Egress),
                 })
        {
            rules.Add(Rule(chain, NftablesNames.EstablishedComment,
                new JsonObject
                {
                    ["match"] = new JsonObject
                    {
                        ["op"] = "in",
                        ["left"] = new JsonObject { ["ct"] = new JsonObject { ["key"] = "state" } },
                        ["right"] = new JsonArray("established", "related"),
                    },
                },
                Counter(), Verdict("accept")));
            foreach (var rule in ordered.Where(r => r.Direction == direction))
            {
                RenderRule(rule, chain, rules, sets, setNames);
            }

            // Not an exit node: nothing leaves the tunnel for the internet unless a rule above let it.
            var verdict = direction == FirewallDirection.Egress && context.EgressInterface is null ? FirewallAction.Drop : policy;
            rules.Add(Rule(chain, NftablesNames.PolicyComment, Counter(), Verdict(verdict)));
        }

        if (context.EgressInterface is { } egress)
        {
            rules.Add(Rule(NftablesNames.PostroutingChain, NftablesNames.MasqueradeComment,
                Match(Meta("iifname"), wg), Match(Meta("oifname"), egress), Counter(), new JsonObject { ["masquerade"] = null }));
        }

        foreach (var set in sets)
        {
            commands.Add(Command("add", "set", set));
        }

        foreach (var rule in rules)
        {
            commands.Add(Command("add", "rule", rule));
        }

        return new JsonObject { ["nftables"] = commands };
    }

    private static void Validate(NftablesRenderContext context)
    {
        if (string.IsNullOrEmpty(context.InterfaceName) || context.InterfaceName.Length > 15 || context.InterfaceName.Contains('"'))
        {
            throw new ArgumentException($"Interface name '{context.InterfaceName}' must be 1-15 characters.", nameof(context));
        }

        if (context.ListenPort is < 1 or > 65535)
        {
            throw new ArgumentException($"WireGuard listen port {context.ListenPort} must be 1-65535.", nameof(context));
        }

        if (context.EgressInterface is { } egress && (!Protocol.Validation.InterfaceNames.IsValid(egress) || egress == context.InterfaceName))
        {
            throw new ArgumentException($"Egress interface '{egress}' must be another interface's name (1-15 characters).", nameof(context));
        }

        if (context.L4Ports.Any(p => p is < 1 or > 65535))
        {
            throw new ArgumentException("L4 listen ports must be 1-65535.", nameof(context));
        }
    }

    private static void RenderRule(FirewallRuleSpec rule, string chain, List<JsonObject> rules, List<JsonObject> sets, HashSet<string> setNames)
    {
        var ports = ParsePorts(rule);
        var sources = ParseAddresses(rule, rule.Sources, "sources");
        var destinations = ParseAddresses(rule, rule.Destinations, "destinations");
        var comment = NftablesNames.RuleCommentPrefix + rule.Id;
        if (Encoding.UTF8.GetByteCount(comment) > 128)
        {
            throw new ArgumentException($"Firewall rule id '{rule.Id}' is too long for an nftables comment (max 123 bytes).", nameof(rule));
        }

        // inet rules match one address family at a time: a rule naming both IPv4 and IPv6 addresses becomes
        // one rule per family (same comment), and a family that cannot match both sides is left out.
        bool?[] families = sources.Count == 0 && destinations.Count == 0
            ? [null]
            : [.. new bool?[] { false, true }.Where(v6 =>
                (sources.Count == 0 || sources.Any(p => p.IsV6 == v6)) &&
                (destinations.Count == 0 || destinations.Any(p => p.IsV6 == v6)))];

        foreach (var v6 in families)
        {
            var expr = new List<JsonNode>();
            if (v6 is { } isV6)
            {
                var protocol = isV6 ? "ip6" : "ip";
                var src = sources.Where(p => p.IsV6 == isV6).ToList();
                var dst = destinations.Where(p => p.IsV6 == isV6).ToList();
                if (src.Count > 0)
                {
                    expr.Add(Match(Payload(protocol, "saddr"), AddressValue(rule, src, "src", isV6, sets, setNames)));
                }

                if (dst.Count > 0)
                {
                    expr.Add(Match(Payload(protocol, "daddr"), AddressValue(rule, dst, "dst", isV6, sets, setNames)));
                }
            }

            switch (rule.Protocol)
            {
                case FirewallProtocol.Tcp or FirewallProtocol.Udp:
                    var name = rule.Protocol == FirewallProtocol.Tcp ? "tcp" : "udp";
                    expr.Add(ports.Count == 0
                        ? Match(Meta("l4proto"), name)
                        : Match(Payload(name, "dport"), ports.Count == 1 ? ports[0] : SetOf(ports)));
                    break;
                case FirewallProtocol.Icmp:
                    expr.Add(Match(Meta("l4proto"), v6 switch
                    {
                        false => "icmp",
                        true => "ipv6-icmp",
                        null => SetOf(["icmp", "ipv6-icmp"]),
                    }));
                    break;
            }

            expr.Add(Counter());
            expr.Add(Verdict(rule.Action));
            rules.Add(Rule(chain, comment, [.. expr]));
        }
    }

    private static List<JsonNode> ParsePorts(FirewallRuleSpec rule)
    {
        if (rule.Ports.Count > 0 && rule.Protocol is not (FirewallProtocol.Tcp or FirewallProtocol.Udp))
        {
            throw new ArgumentException($"Firewall rule '{rule.Id}': ports are only valid with protocol tcp or udp.", nameof(rule));
        }

        var ranges = new List<(int Low, int High)>();
        foreach (var text in rule.Ports)
        {
            var parts = text.Split('-');
            if (parts.Length is < 1 or > 2
                || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var low)
                || !int.TryParse(parts[^1], NumberStyles.None, CultureInfo.InvariantCulture, out var high)
                || low is < 1 or > 65535 || high is < 1 or > 65535 || low > high)
            {
                throw new ArgumentException($"Firewall rule '{rule.Id}': port '{text}' must be a port (1-65535) or a range 'low-high'.", nameof(rule));
            }

            ranges.Add((low, high));
        }

        // Merge overlaps and neighbours the way nft merges an anonymous interval set, so the read-back matches.
        var merged = new List<(int Low, int High)>();
        foreach (var r in ranges.OrderBy(r => r.Low))
        {
            if (merged.Count > 0 && r.Low <= merged[^1].High + 1)
            {
                merged[^1] = (merged[^1].Low, Math.Max(merged[^1].High, r.High));
            }
            else
            {
                merged.Add(r);
            }
        }

        return [.. merged.Select(r => r.Low == r.High ? (JsonNode)r.Low : new JsonObject { ["range"] = new JsonArray(r.Low, r.High) })];
    }

    private static List<IpPrefix> ParseAddresses(FirewallRuleSpec rule, IReadOnlyList<string> cidrs, string field)
    {
        var parsed = new List<IpPrefix>();
        foreach (var cidr in cidrs)
        {
            try
            {
                parsed.Add(IpPrefix.Parse(cidr));
            }
            catch (FormatException)
            {
                throw new ArgumentException($"Firewall rule '{rule.Id}': {field} entry '{cidr}' is not a CIDR.", nameof(rule));
            }
        }

        // Drop blocks contained in another block: an interval set rejects overlapping elements.
        return [.. parsed.Distinct()
            .Where(p => !parsed.Any(o => o != p && o.Contains(p)))
            .OrderBy(p => p.IsV6).ThenBy(p => p.First)];
    }

    private static JsonNode AddressValue(FirewallRuleSpec rule, List<IpPrefix> prefixes, string side, bool isV6, List<JsonObject> sets, HashSet<string> setNames)
    {
        if (prefixes.Count == 1)
        {
            return AddressElement(prefixes[0]);
        }

        if (prefixes.Count <= NamedSetThreshold)
        {
            return SetOf(prefixes.Select(AddressElement));
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(rule.Id)))[..8];
        var name = $"r{hash}_{side}{(isV6 ? 6 : 4)}";
        for (var i = 2; !setNames.Add(name); i++)
        {
            name = $"r{hash}_{side}{(isV6 ? 6 : 4)}_{i}";
        }

        sets.Add(new JsonObject
        {
            ["family"] = NftablesNames.Family,
            ["table"] = NftablesNames.Table,
            ["name"] = name,
            ["type"] = isV6 ? "ipv6_addr" : "ipv4_addr",
            ["flags"] = new JsonArray("interval"),
            ["elem"] = new JsonArray([.. prefixes.Select(AddressElement)]),
        });
        return "@" + name;
    }

    private static JsonNode AddressElement(IpPrefix prefix)
    {
        var length = prefix.PrefixLength;
        var address = IpPrefix.ToAddress(prefix.First, prefix.IsV6).ToString();
        return length == (prefix.IsV6 ? 128 : 32)
            ? address
            : new JsonObject { ["prefix"] = new JsonObject { ["addr"] = address, ["len"] = length } };
    }

    private static JsonObject Table() => new() { ["family"] = NftablesNames.Family, ["name"] = NftablesNames.Table };

    private static JsonObject Chain(string name) => new()
    {
        ["family"] = NftablesNames.Family,
        ["table"] = NftablesNames.Table,
        ["name"] = name,
    };

    private static JsonObject BaseChain(string name, string hook, string type = "filter", int priority = 0)
    {
        var chain = Chain(name);
        chain["type"] = type;
        chain["hook"] = hook;
        chain["prio"] = priority;
        chain["policy"] = "accept";
        return chain;
    }

    private static JsonNode Command(string verb, string kind, JsonObject body) =>
        new JsonObject { [verb] = new JsonObject { [kind] = body } };

    private static JsonObject Rule(string chain, string comment, params JsonNode[] expr) => new()
    {
        ["family"] = NftablesNames.Family,
        ["table"] = NftablesNames.Table,
        ["chain"] = chain,
        ["comment"] = comment,
        ["expr"] = new JsonArray(expr),
    };

    private static JsonObject Match(JsonNode left, JsonNode right, string op = "==") => new()
    {
        // A value may be shared by the per-family copies of a rule; a JSON node can have only one parent.
        ["match"] = new JsonObject { ["op"] = op, ["left"] = left, ["right"] = right.Parent is null ? right : right.DeepClone() },
    };

    private static JsonObject Payload(string protocol, string field) => new()
    {
        ["payload"] = new JsonObject { ["protocol"] = protocol, ["field"] = field },
    };

    private static JsonObject Meta(string key) => new() { ["meta"] = new JsonObject { ["key"] = key } };

    private static JsonObject SetOf(IEnumerable<JsonNode> elements) => new() { ["set"] = new JsonArray([.. elements]) };

    private static JsonObject Counter() => new() { ["counter"] = null };

    private static JsonObject Jump(string target) => new() { ["jump"] = new JsonObject { ["target"] = target } };

    private static JsonObject Verdict(string verdict) => new() { [verdict] = null };

    private static JsonObject Verdict(FirewallAction action) => action switch
    {
        FirewallAction.Accept => Verdict("accept"),
        FirewallAction.Drop => Verdict("drop"),
        // Spelled out as nft lists it back, so read-back compares equal.
        _ => new JsonObject { ["reject"] = new JsonObject { ["type"] = "icmpx", ["expr"] = "port-unreachable" } },
    };
}

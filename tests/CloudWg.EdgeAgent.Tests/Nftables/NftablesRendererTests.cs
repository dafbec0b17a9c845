using System.Text.Json.Nodes;
using CloudWg.EdgeAgent.Nftables;
using CloudWg.Protocol.DesiredStates;

namespace CloudWg.EdgeAgent.Tests.Nftables;

public sealed class NftablesRendererTests
{
    internal static NftablesRenderContext SampleContext() => new("wg0", 51820, [443, 8443], EgressInterface: "eth0");

    internal static FirewallSpec SampleSpec() => new(
        new FirewallPolicies(FirewallAction.Drop, FirewallAction.Accept, FirewallAction.Reject),
        [
            new FirewallRuleSpec("ssh", FirewallDirection.Input, FirewallProtocol.Tcp, ["22"], ["10.44.0.0/24", "fd00:44::/64"], [], FirewallAction.Accept, 10, "ssh from peers"),
            new FirewallRuleSpec("web", FirewallDirection.Input, FirewallProtocol.Tcp, ["8080", "8000-8010", "8011"], [], [], FirewallAction.Accept, 20, null),
            new FirewallRuleSpec("ping", FirewallDirection.Input, FirewallProtocol.Icmp, [], [], [], FirewallAction.Accept, 5, null),
            new FirewallRuleSpec("a-dns", FirewallDirection.Forward, FirewallProtocol.Udp, ["53"], [], ["10.44.0.2", "10.44.0.3"], FirewallAction.Accept, 10, null),
            new FirewallRuleSpec("blocklist", FirewallDirection.Egress, FirewallProtocol.Any, [],
                [], [.. Enumerable.Range(1, 9).Select(i => $"192.0.2.{i * 16}/28"), "198.51.100.0/24", "198.51.100.7"], FirewallAction.Drop, 1, null),
            new FirewallRuleSpec("v6-only", FirewallDirection.Forward, FirewallProtocol.Tcp, [], ["10.44.0.9"], ["fd00::1"], FirewallAction.Reject, 1, null),
        ]);

    /// <summary>
    /// The whole batch of an exit node, literally. It shows: the replace idiom (add/delete/add table), the WireGuard and
    /// L4 ports accepted in the base input chain, MSS clamping of forwarded TCP into and out of the tunnel, only wg0
    /// traffic jumping into the policy chains, rules ordered
    /// by priority then id, one rule per address family (ssh), ports merged (8000-8010 + 8011), a contained
    /// CIDR dropped (198.51.100.7), a long list as a named set, a rule that cannot match (IPv4 source, IPv6
    /// destination) left out, counters everywhere, the policy as the last rule of each chain, and source NAT at
    /// postrouting for tunnel traffic leaving by the egress interface.
    /// </summary>
    [Fact]
    public void Renders_the_sample_firewall_exactly()
    {
        const string expected = """
        {"nftables": [
        {"metainfo": {"json_schema_version": 1}},
        {"add": {"table": {"family": "inet", "name": "cloudwg"}}},
        {"delete": {"table": {"family": "inet", "name": "cloudwg"}}},
        {"add": {"table": {"family": "inet", "name": "cloudwg"}}},
        {"add": {"chain": {"family": "inet", "table": "cloudwg", "name": "input", "type": "filter", "hook": "input", "prio": 0, "policy": "accept"}}},
        {"add": {"chain": {"family": "inet", "table": "cloudwg", "name": "forward", "type": "filter", "hook": "forward", "prio": 0, "policy": "accept"}}},
        {"add": {"chain": {"family": "inet", "table": "cloudwg", "name": "wg-input"}}},
        {"add": {"chain": {"family": "inet", "table": "cloudwg", "name": "wg-forward"}}},
        {"add": {"chain": {"family": "inet", "table": "cloudwg", "name": "wg-egress"}}},
        {"add": {"chain": {"family": "inet", "table": "cloudwg", "name": "postrouting", "type": "nat", "hook": "postrouting", "prio": 100, "policy": "accept"}}},
        {"add": {"set": {"family": "inet", "table": "cloudwg", "name": "r8e7f7b69_dst4", "type": "ipv4_addr", "flags": ["interval"], "elem": [{"prefix": {"addr": "192.0.2.16", "len": 28}}, {"prefix": {"addr": "192.0.2.32", "len": 28}}, {"prefix": {"addr": "192.0.2.48", "len": 28}}, {"prefix": {"addr": "192.0.2.64", "len": 28}}, {"prefix": {"addr": "192.0.2.80", "len": 28}}, {"prefix": {"addr": "192.0.2.96", "len": 28}}, {"prefix": {"addr": "192.0.2.112", "len": 28}}, {"prefix": {"addr": "192.0.2.128", "len": 28}}, {"prefix": {"addr": "192.0.2.144", "len": 28}}, {"prefix": {"addr": "198.51.100.0", "len": 24}}]}}},
        {"add": {"rule": {"family": "inet", "table": "cloudwg", "chain": "input", "comment": "cloudwg:wireguard-port", "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "udp", "field": "dport"}}, "right": 51820}}, {"counter": null}, {"accept": null}]}}},
        {"add": {"rule": {"family": "inet", "table": "cloudwg", "chain": "input", "comment": "cloudwg:l4-ports", "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": {"set": [443, 8443]}}}, {"counter": null}, {"accept": null}]}}},
        {"add": {"rule": {"family": "inet", "table": "cloudwg", "chain": "input", "comment": "cloudwg:tunnel-input", "expr": [{"match": {"op": "==", "left": {"meta": {"key": "iifname"}}, "right": "wg0"}}, {"counter": null}, {"jump": {"target": "wg-input"}}]}}},
        {"add": {"rule": {"family": "inet", "table": "cloudwg", "chain": "forward", "comment": "cloudwg:mss-clamp-in", "expr": [{"match": {"op": "==", "left": {"meta": {"key": "iifname"}}, "right": "wg0"}}, {"match": {"op": "in", "left": {"payload": {"protocol": "tcp", "field": "flags"}}, "right": "syn"}}, {"mangle": {"key": {"tcp option": {"name": "maxseg", "field": "size"}}, "value": {"rt": {"key": "mtu"}}}}, {"counter": null}]}}},
        {"add": {"rule": {"family": "inet", "table": "cloudwg", "chain": "forward", "comment": "cloudwg:mss-clamp-out", "expr": [{"match": {"op": "==", "left": {"meta": {"key": "oifname"}}, "right": "wg0"}}, {"match": {"op": "in", "left": {"payload": {"protocol": "tcp", "field": "flags"}}, "right": "syn"}}, {"mangle": {"key": {"tcp option": {"name": "maxseg", "field": "size"}}, "value": {"rt": {"key": "mtu"}}}}, {"counter": null}]}}},
        {"add": {"rule": {"family": "inet", "table": "cloudwg", "chain": "forward", "comment": "cloudwg:tunnel-forward", "expr": [{"match": {"op": "==", "left": {"meta": {"key": "iifname"}}, "right": "wg0"}}, {"match": {"op": "==", "left": {"meta": {"key": "oifname"}}, "right": "wg0"}}, {"counter": null}, {"jump": {"target": "wg-forward"}}]}}},
        {"add": {"rule": {"family": "inet", "table": "cloudwg", "chain": "forward", "comment": "cloudwg:tunnel-egress", "expr": [{"match": {"op": "==", "left": {"meta": {"key": "iifname"}}, "right": "wg0"}}, {"match": {"op": "!=", "left": {"meta": {"key": "oifname"}}, "right": "wg0"}}, {"counter": null}, {"jump": {"target": "wg-egress"}}]}}},
        {"add": {"rule": {"family": "inet", "table": "cloudwg", "chain": "wg-input", "comment": "cloudwg:established", "expr": [{"match": {"op": "in", "left": {"ct": {"key": "state"}}, "right": ["established", "related"]}}, {"counter": null}, {"accept": null}]}}},
        {"add": {"rule": {"family": "inet", "table": "cloudwg", "chain": "wg-input", "comment": "rule:ping", "expr": [{"match": {"op": "==", "left": {"meta": {"key": "l4proto"}}, "right": {"set": ["icmp", "ipv6-icmp"]}}}, {"counter": null}, {"accept": null}]}}},
        {"add": {"rule": {"family": "inet", "table": "cloudwg", "chain": "wg-input", "comment": "rule:ssh", "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "saddr"}}, "right": {"prefix": {"addr": "10.44.0.0", "len": 24}}}}, {"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 22}}, {"counter": null}, {"accept": null}]}}},
        {"add": {"rule": {"family": "inet", "table": "cloudwg", "chain": "wg-input", "comment": "rule:ssh", "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "ip6", "field": "saddr"}}, "right": {"prefix": {"addr": "fd00:44::", "len": 64}}}}, {"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 22}}, {"counter": null}, {"accept": null}]}}},
        {"add": {"rule": {"family": "inet", "table": "cloudwg", "chain": "wg-input", "comment": "rule:web", "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": {"set": [{"range": [8000, 8011]}, 8080]}}}, {"counter": null}, {"accept": null}]}}},
        {"add": {"rule": {"family": "inet", "table": "cloudwg", "chain": "wg-input", "comment": "cloudwg:policy", "expr": [{"counter": null}, {"drop": null}]}}},
        {"add": {"rule": {"family": "inet", "table": "cloudwg", "chain": "wg-forward", "comment": "cloudwg:established", "expr": [{"match": {"op": "in", "left": {"ct": {"key": "state"}}, "right": ["established", "related"]}}, {"counter": null}, {"accept": null}]}}},
        {"add": {"rule": {"family": "inet", "table": "cloudwg", "chain": "wg-forward", "comment": "rule:a-dns", "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "daddr"}}, "right": {"set": ["10.44.0.2", "10.44.0.3"]}}}, {"match": {"op": "==", "left": {"payload": {"protocol": "udp", "field": "dport"}}, "right": 53}}, {"counter": null}, {"accept": null}]}}},
        {"add": {"rule": {"family": "inet", "table": "cloudwg", "chain": "wg-forward", "comment": "cloudwg:policy", "expr": [{"counter": null}, {"accept": null}]}}},
        {"add": {"rule": {"family": "inet", "table": "cloudwg", "chain": "wg-egress", "comment": "cloudwg:established", "expr": [{"match": {"op": "in", "left": {"ct": {"key": "state"}}, "right": ["established", "related"]}}, {"counter": null}, {"accept": null}]}}},
        {"add": {"rule": {"family": "inet", "table": "cloudwg", "chain": "wg-egress", "comment": "rule:blocklist", "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "daddr"}}, "right": "@r8e7f7b69_dst4"}}, {"counter": null}, {"drop": null}]}}},
        {"add": {"rule": {"family": "inet", "table": "cloudwg", "chain": "wg-egress", "comment": "cloudwg:policy", "expr": [{"counter": null}, {"reject": {"type": "icmpx", "expr": "port-unreachable"}}]}}},
        {"add": {"rule": {"family": "inet", "table": "cloudwg", "chain": "postrouting", "comment": "cloudwg:masquerade", "expr": [{"match": {"op": "==", "left": {"meta": {"key": "iifname"}}, "right": "wg0"}}, {"match": {"op": "==", "left": {"meta": {"key": "oifname"}}, "right": "eth0"}}, {"counter": null}, {"masquerade": null}]}}}
        ]}
        """;

        Assert.Equal(Compact(expected), NftablesRenderer.Render(SampleSpec(), SampleContext()));
    }

    /// <summary>Not an exit node: no nat chain, and egress ends with drop even where the policy says accept.</summary>
    [Fact]
    public void Renders_an_empty_firewall_with_only_the_fixed_rules()
    {
        var spec = new FirewallSpec(new FirewallPolicies(FirewallAction.Accept, FirewallAction.Drop, FirewallAction.Accept), []);
        const string expected = """
        {"nftables": [
        {"metainfo": {"json_schema_version": 1}},
        {"add": {"table": {"family": "inet", "name": "cloudwg"}}},
        {"delete": {"table": {"family": "inet", "name": "cloudwg"}}},
        {"add": {"table": {"family": "inet", "name": "cloudwg"}}},
        {"add": {"chain": {"family": "inet", "table": "cloudwg", "name": "input", "type": "filter", "hook": "input", "prio": 0, "policy": "accept"}}},
        {"add": {"chain": {"family": "inet", "table": "cloudwg", "name": "forward", "type": "filter", "hook": "forward", "prio": 0, "policy": "accept"}}},
        {"add": {"chain": {"family": "inet", "table": "cloudwg", "name": "wg-input"}}},
        {"add": {"chain": {"family": "inet", "table": "cloudwg", "name": "wg-forward"}}},
        {"add": {"chain": {"family": "inet", "table": "cloudwg", "name": "wg-egress"}}},
        {"add": {"rule": {"family": "inet", "table": "cloudwg", "chain": "input", "comment": "cloudwg:wireguard-port", "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "udp", "field": "dport"}}, "right": 40000}}, {"counter": null}, {"accept": null}]}}},
        {"add": {"rule": {"family": "inet", "table": "cloudwg", "chain": "input", "comment": "cloudwg:tunnel-input", "expr": [{"match": {"op": "==", "left": {"meta": {"key": "iifname"}}, "right": "tun9"}}, {"counter": null}, {"jump": {"target": "wg-input"}}]}}},
        {"add": {"rule": {"family": "inet", "table": "cloudwg", "chain": "forward", "comment": "cloudwg:mss-clamp-in", "expr": [{"match": {"op": "==", "left": {"meta": {"key": "iifname"}}, "right": "tun9"}}, {"match": {"op": "in", "left": {"payload": {"protocol": "tcp", "field": "flags"}}, "right": "syn"}}, {"mangle": {"key": {"tcp option": {"name": "maxseg", "field": "size"}}, "value": {"rt": {"key": "mtu"}}}}, {"counter": null}]}}},
        {"add": {"rule": {"family": "inet", "table": "cloudwg", "chain": "forward", "comment": "cloudwg:mss-clamp-out", "expr": [{"match": {"op": "==", "left": {"meta": {"key": "oifname"}}, "right": "tun9"}}, {"match": {"op": "in", "left": {"payload": {"protocol": "tcp", "field": "flags"}}, "right": "syn"}}, {"mangle": {"key": {"tcp option": {"name": "maxseg", "field": "size"}}, "value": {"rt": {"key": "mtu"}}}}, {"counter": null}]}}},
        {"add": {"rule": {"family": "inet", "table": "cloudwg", "chain": "forward", "comment": "cloudwg:tunnel-forward", "expr": [{"match": {"op": "==", "left": {"meta": {"key": "iifname"}}, "right": "tun9"}}, {"match": {"op": "==", "left": {"meta": {"key": "oifname"}}, "right": "tun9"}}, {"counter": null}, {"jump": {"target": "wg-forward"}}]}}},
        {"add": {"rule": {"family": "inet", "table": "cloudwg", "chain": "forward", "comment": "cloudwg:tunnel-egress", "expr": [{"match": {"op": "==", "left": {"meta": {"key": "iifname"}}, "right": "tun9"}}, {"match": {"op": "!=", "left": {"meta": {"key": "oifname"}}, "right": "tun9"}}, {"counter": null}, {"jump": {"target": "wg-egress"}}]}}},
        {"add": {"rule": {"family": "inet", "table": "cloudwg", "chain": "wg-input", "comment": "cloudwg:established", "expr": [{"match": {"op": "in", "left": {"ct": {"key": "state"}}, "right": ["established", "related"]}}, {"counter": null}, {"accept": null}]}}},
        {"add": {"rule": {"family": "inet", "table": "cloudwg", "chain": "wg-input", "comment": "cloudwg:policy", "expr": [{"counter": null}, {"accept": null}]}}},
        {"add": {"rule": {"family": "inet", "table": "cloudwg", "chain": "wg-forward", "comment": "cloudwg:established", "expr": [{"match": {"op": "in", "left": {"ct": {"key": "state"}}, "right": ["established", "related"]}}, {"counter": null}, {"accept": null}]}}},
        {"add": {"rule": {"family": "inet", "table": "cloudwg", "chain": "wg-forward", "comment": "cloudwg:policy", "expr": [{"counter": null}, {"drop": null}]}}},
        {"add": {"rule": {"family": "inet", "table": "cloudwg", "chain": "wg-egress", "comment": "cloudwg:established", "expr": [{"match": {"op": "in", "left": {"ct": {"key": "state"}}, "right": ["established", "related"]}}, {"counter": null}, {"accept": null}]}}},
        {"add": {"rule": {"family": "inet", "table": "cloudwg", "chain": "wg-egress", "comment": "cloudwg:policy", "expr": [{"counter": null}, {"drop": null}]}}}
        ]}
        """;

        Assert.Equal(Compact(expected), NftablesRenderer.Render(spec, new NftablesRenderContext("tun9", 40000, [])));
    }

    [Fact]
    public void Eight_addresses_stay_inline_and_nine_become_a_named_set()
    {
        static FirewallSpec WithSources(int count) => new(
            new FirewallPolicies(FirewallAction.Drop, FirewallAction.Drop, FirewallAction.Drop),
            [new FirewallRuleSpec("r", FirewallDirection.Input, FirewallProtocol.Any, [], [.. Enumerable.Range(1, count).Select(i => $"10.0.{i * 2}.0/24")], [], FirewallAction.Accept, 1, null)]);

        var inline = NftablesRenderer.Build(WithSources(8), SampleContext());
        var named = NftablesRenderer.Build(WithSources(9), SampleContext());

        Assert.DoesNotContain(Commands(inline), c => c["add"]?["set"] is not null);
        var set = Assert.Single(Commands(named), c => c["add"]?["set"] is not null)["add"]!["set"]!;
        Assert.Equal(9, set["elem"]!.AsArray().Count);
        var rule = Commands(named).Select(c => c["add"]?["rule"]).Single(r => (string?)r?["comment"] == "rule:r")!;
        Assert.Equal("@" + (string)set["name"]!, (string)rule["expr"]![0]!["match"]!["right"]!);
    }

    [Fact]
    public void Equal_priorities_are_ordered_by_id()
    {
        var spec = new FirewallSpec(
            new FirewallPolicies(FirewallAction.Drop, FirewallAction.Drop, FirewallAction.Drop),
            [
                new FirewallRuleSpec("b", FirewallDirection.Input, FirewallProtocol.Tcp, ["2"], [], [], FirewallAction.Accept, 1, null),
                new FirewallRuleSpec("c", FirewallDirection.Input, FirewallProtocol.Tcp, ["3"], [], [], FirewallAction.Accept, 0, null),
                new FirewallRuleSpec("a", FirewallDirection.Input, FirewallProtocol.Tcp, ["1"], [], [], FirewallAction.Accept, 1, null),
            ]);

        var comments = Commands(NftablesRenderer.Build(spec, SampleContext()))
            .Select(c => (string?)c["add"]?["rule"]?["comment"])
            .Where(c => c?.StartsWith("rule:", StringComparison.Ordinal) == true);

        Assert.Equal(["rule:c", "rule:a", "rule:b"], comments);
    }

    [Theory]
    [InlineData(FirewallProtocol.Icmp, "22", "10.0.0.0/8", "ports are only valid with protocol tcp or udp")]
    [InlineData(FirewallProtocol.Tcp, "0", "10.0.0.0/8", "port '0' must be a port")]
    [InlineData(FirewallProtocol.Tcp, "90-80", "10.0.0.0/8", "port '90-80' must be a port")]
    [InlineData(FirewallProtocol.Udp, "http", "10.0.0.0/8", "port 'http' must be a port")]
    [InlineData(FirewallProtocol.Tcp, "22", "10.0.0.300/8", "sources entry '10.0.0.300/8' is not a CIDR")]
    public void Bad_rules_are_refused_naming_the_rule_and_field(FirewallProtocol protocol, string port, string source, string message)
    {
        var spec = new FirewallSpec(
            new FirewallPolicies(FirewallAction.Drop, FirewallAction.Drop, FirewallAction.Drop),
            [new FirewallRuleSpec("bad-1", FirewallDirection.Input, protocol, [port], [source], [], FirewallAction.Accept, 1, null)]);

        var error = Assert.Throws<ArgumentException>(() => NftablesRenderer.Render(spec, SampleContext()));

        Assert.Contains("'bad-1'", error.Message, StringComparison.Ordinal);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", 51820)]
    [InlineData("an-interface-name-too-long", 51820)]
    [InlineData("wg0", 0)]
    [InlineData("wg0", 70000)]
    public void Bad_context_is_refused(string iface, int port)
    {
        var spec = new FirewallSpec(new FirewallPolicies(FirewallAction.Drop, FirewallAction.Drop, FirewallAction.Drop), []);

        Assert.Throws<ArgumentException>(() => NftablesRenderer.Render(spec, new NftablesRenderContext(iface, port, [])));
    }

    private static string Compact(string json) => JsonNode.Parse(json)!.ToJsonString();

    private static IEnumerable<JsonNode> Commands(JsonObject batch) => batch["nftables"]!.AsArray().Select(c => c!);
}

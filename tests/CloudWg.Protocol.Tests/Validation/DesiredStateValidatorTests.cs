using CloudWg.Protocol.DesiredStates;
using CloudWg.Protocol.Validation;

namespace CloudWg.Protocol.Tests.Validation;

/// <summary>One invalid case (and the matching valid neighbour) per rule; each error names the exact field.</summary>
public sealed class DesiredStateValidatorTests
{
    private static DesiredState Base => TestData.Valid();

    private static DesiredState Wg(Func<WireGuardSpec, WireGuardSpec> change) => Base with { WireGuard = change(Base.WireGuard) };

    private static DesiredState Peer(int index, Func<PeerSpec, PeerSpec> change) =>
        Wg(w => w with { Peers = w.Peers.Select((p, i) => i == index ? change(p) : p).ToArray() });

    private static DesiredState Route(int index, Func<L4Route, L4Route> change) => Base with
    {
        L4 = new L4Spec([Base.L4.Servers[0] with { Routes = Base.L4.Servers[0].Routes.Select((r, i) => i == index ? change(r) : r).ToArray() }]),
    };

    private static DesiredState Rule(int index, Func<FirewallRuleSpec, FirewallRuleSpec> change) => Base with
    {
        Firewall = Base.Firewall with { Rules = Base.Firewall.Rules.Select((r, i) => i == index ? change(r) : r).ToArray() },
    };

    /// <summary>Name → (document, path of the expected error or null when the document must be valid).</summary>
    private static readonly Dictionary<string, (Func<DesiredState> Document, string? Path)> Cases = new()
    {
        ["valid: golden document"] = (() => Base, null),
        ["schema: unknown"] = (() => Base with { Schema = 2 }, "schema"),
        ["nodeId: empty"] = (() => Base with { NodeId = string.Empty }, "nodeId"),
        ["nodeId: slash"] = (() => Base with { NodeId = "a/b" }, "nodeId"),
        ["version: zero"] = (() => Base with { Version = 0 }, "version"),
        ["issuedAt: missing"] = (() => Base with { IssuedAt = default }, "issuedAt"),

        ["interface: 15 chars ok"] = (() => Wg(w => w with { Interface = "cloudwg_=+.-123" }), null),
        ["interface: 16 chars"] = (() => Wg(w => w with { Interface = "cloudwg0123456789" }), "wireguard.interface"),
        ["interface: empty"] = (() => Wg(w => w with { Interface = string.Empty }), "wireguard.interface"),
        ["interface: slash"] = (() => Wg(w => w with { Interface = "wg/0" }), "wireguard.interface"),
        ["interface: space"] = (() => Wg(w => w with { Interface = "wg 0" }), "wireguard.interface"),
        ["interface: dot-dot"] = (() => Wg(w => w with { Interface = ".." }), "wireguard.interface"),
        ["listenPort: 0"] = (() => Wg(w => w with { ListenPort = 0 }), "wireguard.listenPort"),
        ["listenPort: 65536"] = (() => Wg(w => w with { ListenPort = 65536 }), "wireguard.listenPort"),
        ["listenPort: 65535 ok"] = (() => Wg(w => w with { ListenPort = 65535 }), null),
        ["mtu: 1279"] = (() => Wg(w => w with { Mtu = 1279 }), "wireguard.mtu"),
        ["mtu: 9001"] = (() => Wg(w => w with { Mtu = 9001 }), "wireguard.mtu"),
        ["mtu: 1280 ok"] = (() => Wg(w => w with { Mtu = 1280 }), null),
        ["mtu: 9000 ok"] = (() => Wg(w => w with { Mtu = 9000 }), null),
        ["addresses: empty"] = (() => Wg(w => w with { Addresses = [] }), "wireguard.addresses"),
        ["addresses: no prefix"] = (() => Wg(w => w with { Addresses = ["10.44.0.1"] }), "wireguard.addresses[0]"),
        ["addresses: prefix 33"] = (() => Wg(w => w with { Addresses = ["10.44.0.1/33"] }), "wireguard.addresses[0]"),
        ["addresses: upper-case v6"] = (() => Wg(w => w with { Addresses = ["10.44.0.1/24", "FD00:44::1/64"] }), "wireguard.addresses[1]"),
        ["addresses: repeated"] = (() => Wg(w => w with { Addresses = ["10.44.0.1/24", "fd00:44::1/64", "10.44.0.1/16"] }), "wireguard.addresses[2]"),

        ["peer key: not base64"] = (() => Peer(1, p => p with { PublicKey = "not a key" }), "wireguard.peers[1].publicKey"),
        ["peer key: 31 bytes"] = (() => Peer(0, p => p with { PublicKey = Convert.ToBase64String(new byte[31]) }), "wireguard.peers[0].publicKey"),
        ["peer key: 33 bytes"] = (() => Peer(0, p => p with { PublicKey = Convert.ToBase64String(new byte[33]) }), "wireguard.peers[0].publicKey"),
        ["peer key: url alphabet"] = (() => Peer(0, p => p with { PublicKey = Convert.ToBase64String(Enumerable.Repeat((byte)0xFB, 32).ToArray()).Replace('+', '-').Replace('/', '_') }), "wireguard.peers[0].publicKey"),
        ["peer key: unpadded"] = (() => Peer(0, p => p with { PublicKey = TestData.Key(1).TrimEnd('=') }), "wireguard.peers[0].publicKey"),
        ["peer key: duplicate"] = (() => Peer(1, p => p with { PublicKey = TestData.Key(1) }), "wireguard.peers[1].publicKey"),
        ["peer psk: invalid"] = (() => Peer(1, p => p with { PresharedKey = "short" }), "wireguard.peers[1].presharedKey"),
        ["peer keepalive: 0"] = (() => Peer(0, p => p with { Keepalive = 0 }), "wireguard.peers[0].keepalive"),
        ["peer keepalive: 65536"] = (() => Peer(0, p => p with { Keepalive = 65536 }), "wireguard.peers[0].keepalive"),
        ["peer allowedIps: empty list ok"] = (() => Peer(0, p => p with { AllowedIps = [] }), null),
        ["peer allowedIps: not a cidr"] = (() => Peer(0, p => p with { AllowedIps = ["10.44.0.2"] }), "wireguard.peers[0].allowedIps[0]"),
        ["peer allowedIps: host bits"] = (() => Peer(1, p => p with { AllowedIps = ["10.44.0.3/32", "192.168.10.1/24"] }), "wireguard.peers[1].allowedIps[1]"),
        ["peer allowedIps: leading zero"] = (() => Peer(0, p => p with { AllowedIps = ["10.44.0.02/32"] }), "wireguard.peers[0].allowedIps[0]"),
        ["peer allowedIps: short ipv4"] = (() => Peer(0, p => p with { AllowedIps = ["10.1/32"] }), "wireguard.peers[0].allowedIps[0]"),
        ["peer allowedIps: uncompressed v6"] = (() => Peer(0, p => p with { AllowedIps = ["fd00:44:0:0:0:0:0:2/128"] }), "wireguard.peers[0].allowedIps[0]"),
        ["peer allowedIps: overlap across peers"] = (() => Peer(1, p => p with { AllowedIps = ["10.44.0.0/24"] }), "wireguard.peers[1].allowedIps[0]"),
        ["peer allowedIps: overlap v6"] = (() => Peer(1, p => p with { AllowedIps = ["fd00:44::/64"] }), "wireguard.peers[1].allowedIps[0]"),
        ["peer allowedIps: overlap within a peer"] = (() => Peer(0, p => p with { AllowedIps = ["10.44.0.4/30", "10.44.0.6/31"] }), "wireguard.peers[0].allowedIps[1]"),
        ["peer allowedIps: default routes ok"] = (() => Wg(w => w with { Peers = [new PeerSpec(TestData.Key(1), null, ["0.0.0.0/0", "::/0"], null)] }), null),
        ["peer allowedIps: adjacent ok"] = (() => Peer(1, p => p with { AllowedIps = ["10.44.0.3/32", "10.44.0.4/30"] }), null),

        ["l4 listen: missing port"] = (() => Base with { L4 = new L4Spec([Base.L4.Servers[0] with { Listen = ":" }]) }, "l4.servers[0].listen"),
        ["l4 listen: port 0"] = (() => Base with { L4 = new L4Spec([Base.L4.Servers[0] with { Listen = ":0" }]) }, "l4.servers[0].listen"),
        ["l4 listen: address ok"] = (() => Base with { L4 = new L4Spec([Base.L4.Servers[0] with { Listen = "[::]:443" }]) }, null),
        ["l4 listen: duplicate"] = (() => Base with { L4 = new L4Spec([Base.L4.Servers[0], Base.L4.Servers[0] with { Routes = [] }]) }, "l4.servers[1].listen"),
        ["l4 route id: duplicate"] = (() => Route(1, r => r with { Id = "route-app" }), "l4.servers[0].routes[1].id"),
        ["l4 route id: empty"] = (() => Route(1, r => r with { Id = string.Empty }), "l4.servers[0].routes[1].id"),
        ["l4 sni: empty list"] = (() => Route(0, r => r with { Sni = [] }), "l4.servers[0].routes[0].sni"),
        ["l4 sni: wildcard in the middle"] = (() => Route(0, r => r with { Sni = ["app.*.example.com"] }), "l4.servers[0].routes[0].sni[0]"),
        ["l4 sni: partial wildcard"] = (() => Route(0, r => r with { Sni = ["a*.example.com"] }), "l4.servers[0].routes[0].sni[0]"),
        ["l4 sni: wildcard tld"] = (() => Route(0, r => r with { Sni = ["*.com"] }), "l4.servers[0].routes[0].sni[0]"),
        ["l4 sni: underscore"] = (() => Route(0, r => r with { Sni = ["my_app.example.com"] }), "l4.servers[0].routes[0].sni[0]"),
        ["l4 sni: ip literal"] = (() => Route(0, r => r with { Sni = ["10.44.0.2"] }), "l4.servers[0].routes[0].sni[0]"),
        ["l4 sni: upper case"] = (() => Route(0, r => r with { Sni = ["App.example.com"] }), "l4.servers[0].routes[0].sni[0]"),
        ["l4 sni: trailing dot"] = (() => Route(0, r => r with { Sni = ["app.example.com."] }), "l4.servers[0].routes[0].sni[0]"),
        ["l4 sni: label too long"] = (() => Route(0, r => r with { Sni = [new string('a', 64) + ".example.com"] }), "l4.servers[0].routes[0].sni[0]"),
        ["l4 sni: duplicate on listener"] = (() => Route(1, r => r with { Sni = ["app.example.com"] }), "l4.servers[0].routes[1].sni[0]"),
        ["l4 upstream: outside tunnel"] = (() => Route(0, r => r with { Upstream = "192.168.10.5:443" }), "l4.servers[0].routes[0].upstream"),
        ["l4 upstream: outside tunnel v6"] = (() => Route(1, r => r with { Upstream = "[fd00:45::2]:443" }), "l4.servers[0].routes[1].upstream"),
        ["l4 upstream: port 0"] = (() => Route(0, r => r with { Upstream = "10.44.0.2:0" }), "l4.servers[0].routes[0].upstream"),
        ["l4 upstream: port 65536"] = (() => Route(0, r => r with { Upstream = "10.44.0.2:65536" }), "l4.servers[0].routes[0].upstream"),
        ["l4 upstream: host name"] = (() => Route(0, r => r with { Upstream = "app.internal:443" }), "l4.servers[0].routes[0].upstream"),
        ["l4 upstream: unbracketed v6"] = (() => Route(1, r => r with { Upstream = "fd00:44::2:8443" }), "l4.servers[0].routes[1].upstream"),
        ["l4 upstream: other tunnel address ok"] = (() => Route(0, r => r with { Upstream = "10.44.0.254:65535" }), null),
        ["l4 proxyProtocol: undefined"] = (() => Route(0, r => r with { ProxyProtocol = (ProxyProtocol)7 }), "l4.servers[0].routes[0].proxyProtocol"),

        ["firewall rule id: duplicate"] = (() => Rule(2, r => r with { Id = "rule-ssh" }), "firewall.rules[2].id"),
        ["firewall rule id: empty"] = (() => Rule(2, r => r with { Id = string.Empty }), "firewall.rules[2].id"),
        ["firewall ports: with icmp"] = (() => Rule(2, r => r with { Ports = ["22"] }), "firewall.rules[2].ports"),
        ["firewall ports: with any"] = (() => Rule(0, r => r with { Protocol = FirewallProtocol.Any }), "firewall.rules[0].ports"),
        ["firewall ports: udp ok"] = (() => Rule(0, r => r with { Protocol = FirewallProtocol.Udp }), null),
        ["firewall ports: reversed range"] = (() => Rule(1, r => r with { Ports = ["8100-8000"] }), "firewall.rules[1].ports[0]"),
        ["firewall ports: zero"] = (() => Rule(1, r => r with { Ports = ["0"] }), "firewall.rules[1].ports[0]"),
        ["firewall ports: 65536"] = (() => Rule(1, r => r with { Ports = ["443", "65536"] }), "firewall.rules[1].ports[1]"),
        ["firewall ports: leading zero"] = (() => Rule(1, r => r with { Ports = ["0443"] }), "firewall.rules[1].ports[0]"),
        ["firewall ports: garbage"] = (() => Rule(1, r => r with { Ports = ["https"] }), "firewall.rules[1].ports[0]"),
        ["firewall ports: overlapping"] = (() => Rule(1, r => r with { Ports = ["8000-8100", "8050"] }), "firewall.rules[1].ports[1]"),
        ["firewall sources: host bits"] = (() => Rule(0, r => r with { Sources = ["10.44.0.1/24"] }), "firewall.rules[0].sources[0]"),
        ["firewall destinations: garbage"] = (() => Rule(1, r => r with { Destinations = ["everywhere"] }), "firewall.rules[1].destinations[0]"),
        ["firewall sources: repeated"] = (() => Rule(0, r => r with { Sources = ["10.44.0.2/32", "10.44.0.2/32"] }), "firewall.rules[0].sources[1]"),
        ["firewall families: disjoint"] = (() => Rule(0, r => r with { Sources = ["10.44.0.2/32"], Destinations = ["fd00:44::/64"] }), "firewall.rules[0].destinations"),
        ["firewall families: mixed ok"] = (() => Rule(0, r => r with { Sources = ["10.44.0.2/32", "fd00:44::2/128"], Destinations = ["fd00:44::/64"] }), null),
        ["firewall priority: negative"] = (() => Rule(0, r => r with { Priority = -1 }), "firewall.rules[0].priority"),
        ["firewall comment: control char"] = (() => Rule(0, r => r with { Comment = "a\nb" }), "firewall.rules[0].comment"),
        ["firewall comment: too long"] = (() => Rule(0, r => r with { Comment = new string('ü', 65) }), "firewall.rules[0].comment"),
        ["firewall direction: undefined"] = (() => Rule(0, r => r with { Direction = (FirewallDirection)9 }), "firewall.rules[0].direction"),
        ["firewall protocol: undefined"] = (() => Rule(2, r => r with { Protocol = (FirewallProtocol)9 }), "firewall.rules[2].protocol"),
        ["firewall action: undefined"] = (() => Rule(0, r => r with { Action = (FirewallAction)9 }), "firewall.rules[0].action"),
        ["firewall policy: undefined"] = (() => Base with { Firewall = Base.Firewall with { Policies = Base.Firewall.Policies with { Egress = (FirewallAction)9 } } }, "firewall.policies.egress"),
        ["firewall rules: empty ok"] = (() => Base with { Firewall = Base.Firewall with { Rules = [] } }, null),
    };

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Each_rule_reports_the_offending_field(string name)
    {
        var (document, path) = Cases[name];

        var errors = DesiredStateValidator.Validate(document());

        if (path is null)
        {
            Assert.Empty(errors);
        }
        else
        {
            var error = Assert.Single(errors);
            Assert.Equal(path, error.Path);
            Assert.False(string.IsNullOrWhiteSpace(error.Message));
        }
    }

    [Fact]
    public void Overlap_errors_name_both_sides()
    {
        var errors = DesiredStateValidator.Validate(Peer(1, p => p with { AllowedIps = ["10.44.0.0/24"] }));

        var error = Assert.Single(errors);
        Assert.Contains("10.44.0.0/24 overlaps 10.44.0.2/32 at wireguard.peers[0].allowedIps[0]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Host_bit_errors_suggest_the_canonical_network()
    {
        var errors = DesiredStateValidator.Validate(Peer(1, p => p with { AllowedIps = ["192.168.10.1/24"] }));

        Assert.Contains("192.168.10.0/24", Assert.Single(errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nulls_where_the_model_has_none_are_reported_not_thrown()
    {
        var state = new DesiredState(1, null!, 1, TestData.IssuedAt,
            new WireGuardSpec(null!, 51820, null!, 1420, [null!, new PeerSpec(null!, null, null!, null)]),
            new L4Spec([new L4Server(null!, [null!, new L4Route(null!, [null!], null!, null)])]),
            new FirewallSpec(null!, [new FirewallRuleSpec(null!, FirewallDirection.Input, FirewallProtocol.Tcp, null!, [null!], null!, FirewallAction.Accept, 0, null)]));

        var errors = DesiredStateValidator.Validate(state);

        Assert.Contains(errors, e => e.Path == "nodeId");
        Assert.Contains(errors, e => e.Path == "wireguard.addresses");
        Assert.Contains(errors, e => e.Path == "wireguard.peers[0]");
        Assert.Contains(errors, e => e.Path == "wireguard.peers[1].publicKey");
        Assert.Contains(errors, e => e.Path == "wireguard.peers[1].allowedIps");
        Assert.Contains(errors, e => e.Path == "l4.servers[0].routes[0]");
        Assert.Contains(errors, e => e.Path == "l4.servers[0].routes[1].sni[0]");
        Assert.Contains(errors, e => e.Path == "firewall.policies");
        Assert.Contains(errors, e => e.Path == "firewall.rules[0].ports");
        Assert.Contains(errors, e => e.Path == "firewall.rules[0].sources[0]");
        Assert.Equal(string.Empty, Assert.Single(DesiredStateValidator.Validate(null!)).Path);
        Assert.NotEmpty(DesiredStateValidator.Validate(Base with { WireGuard = null!, L4 = null!, Firewall = null! }));
    }

    [Fact]
    public void Every_error_is_reported_not_just_the_first()
    {
        var state = Base with { NodeId = string.Empty, Version = 0, WireGuard = Base.WireGuard with { Mtu = 1, ListenPort = 0 } };

        var paths = DesiredStateValidator.Validate(state).Select(e => e.Path).ToArray();

        Assert.Equal(["nodeId", "version", "wireguard.listenPort", "wireguard.mtu"], paths);
    }

    [Fact]
    public void Ten_thousand_distinct_peers_are_valid()
    {
        Assert.Empty(DesiredStateValidator.Validate(TestData.WithPeers(10_000)));
    }

    [Fact]
    public void One_overlap_among_ten_thousand_peers_is_found()
    {
        var state = TestData.WithPeers(10_000);
        var peers = state.WireGuard.Peers.ToArray();
        peers[7_777] = peers[7_777] with { AllowedIps = ["10.0.0.0/24"] };

        var errors = DesiredStateValidator.Validate(state with { WireGuard = state.WireGuard with { Peers = peers } });

        var error = Assert.Single(errors);
        Assert.Equal("wireguard.peers[7777].allowedIps[0]", error.Path);
        Assert.Contains("overlaps", error.Message, StringComparison.Ordinal);
    }
}

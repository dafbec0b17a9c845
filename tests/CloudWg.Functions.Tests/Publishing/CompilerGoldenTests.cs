using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CloudWg.Functions.FirewallRules;
using CloudWg.Functions.Nodes;
using CloudWg.Functions.Peers;
using CloudWg.Functions.Publishing;
using CloudWg.Functions.Routes;
using CloudWg.Protocol.DesiredStates;
using CloudWg.Protocol.Json;
using CloudWg.Protocol.Validation;
using CloudWg.Tests.Shared;

namespace CloudWg.Functions.Tests.Publishing;

/// <summary>
/// The compiler against literal expected output in Golden/*.json. To accept a deliberate change, run with
/// <c>CLOUDWG_UPDATE_GOLDEN=1</c> and review the diff.
/// </summary>
public sealed class CompilerGoldenTests
{
    private const string NodeId = "nedgeaaaaaaaa";
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset IssuedAt = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    public static TheoryData<string> Cases => new(Snapshots.Keys.Order(StringComparer.Ordinal));

    private static Dictionary<string, NodeSnapshot> Snapshots => new()
    {
        ["empty-node"] = new NodeSnapshot(Node(), [], [], []),
        ["full-node"] = FullNode(),
        ["overlapping-peers"] = new NodeSnapshot(
            Node(),
            [
                Peer("paaaaaaaaaaa", 2, allowedIps: ["10.44.0.2/32", "192.168.10.0/24"]),
                Peer("pbbbbbbbbbbb", 3, allowedIps: ["10.44.0.3/32", "192.168.10.128/25"], created: T0.AddMinutes(1)),
            ],
            [],
            []),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Compiles_to_the_golden_document(string name)
    {
        var state = DesiredStateCompiler.Compile(Snapshots[name], 7, IssuedAt);
        Assert.Empty(DesiredStateValidator.Validate(state));
        var actual = JsonNode.Parse(CanonicalJson.Serialize(state))!.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
        var path = Path.Combine(Azurite.RepositoryRoot(), "tests", "CloudWg.Functions.Tests", "Publishing", "Golden", name + ".json");
        if (Environment.GetEnvironmentVariable("CLOUDWG_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(path, actual, new UTF8Encoding(false));
        }

        Assert.True(File.Exists(path), $"Missing golden file {path}; run with CLOUDWG_UPDATE_GOLDEN=1 to create it.");
        Assert.Equal(File.ReadAllText(path), actual);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Is_deterministic_whatever_the_storage_order(string name)
    {
        var snapshot = Snapshots[name];
        var shuffled = snapshot with
        {
            Peers = [.. snapshot.Peers.Reverse()],
            Routes = [.. snapshot.Routes.Reverse()],
            Rules = [.. snapshot.Rules.Reverse()],
        };

        Assert.Equal(CanonicalJson.Serialize(DesiredStateCompiler.Compile(snapshot, 7, IssuedAt)), CanonicalJson.Serialize(DesiredStateCompiler.Compile(shuffled, 7, IssuedAt)));
    }

    [Fact]
    public void Config_hash_ignores_version_and_time_but_not_content()
    {
        var snapshot = FullNode();
        var a = DesiredStateCompiler.ConfigHash(DesiredStateCompiler.Compile(snapshot, 1, IssuedAt));
        var b = DesiredStateCompiler.ConfigHash(DesiredStateCompiler.Compile(snapshot, 99, IssuedAt.AddMinutes(1)));
        var c = DesiredStateCompiler.ConfigHash(DesiredStateCompiler.Compile(snapshot with { Peers = snapshot.Peers.Skip(1).ToList() }, 1, IssuedAt));
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    private static NodeSnapshot FullNode()
    {
        var node = Node() with
        {
            Ipv6Network = "fd00:44::/64",
            L4Listen = [":443", "[::]:8443"],
            Dns = ["1.1.1.1"],
            FirewallPolicy = new FirewallPolicies(FirewallAction.Accept, FirewallAction.Drop, FirewallAction.Accept),
            Egress = true,
            EgressInterface = "ens3",
        };
        Peer[] peers =
        [
            Peer("paaaaaaaaaaa", 2, v6: true, keepalive: 25, psk: Key(200)),
            Peer("pbbbbbbbbbbb", 3, enabled: false),
            Peer("pccccccccccc", 4, expiresAt: IssuedAt.AddSeconds(-1)),
            Peer("pddddddddddd", 5, expiresAt: IssuedAt.AddDays(1), allowedIps: ["10.44.0.5/32", "192.168.50.0/24"]),
        ];
        SniRoute[] routes =
        [
            Route("raaaaaaaaaaa", ":443", ["app.example.com", "*.apps.example.com"], "paaaaaaaaaaa", 443, ProxyProtocol.V2),
            Route("rbbbbbbbbbbb", ":443", ["old.example.com"], "pbbbbbbbbbbb", 443, ProxyProtocol.None),
            Route("rccccccccccc", ":443", ["off.example.com"], "paaaaaaaaaaa", 8443, ProxyProtocol.None, enabled: false),
            Route("rddddddddddd", "[::]:8443", ["db.example.com"], "pddddddddddd", 5432, ProxyProtocol.V1),
            Route("reeeeeeeeeee", ":8080", ["gone.example.com"], "paaaaaaaaaaa", 80, ProxyProtocol.None),
        ];
        FirewallRule[] rules =
        [
            Rule("faaaaaaaaaaa", 100, FirewallDirection.Forward, FirewallProtocol.Tcp, ["22", "8000-8100"], [$"{NodeId}-paaaaaaaaaaa"], ["192.168.50.0/24"], FirewallAction.Accept, "admin laptop to LAN"),
            Rule("fbbbbbbbbbbb", 100, FirewallDirection.Input, FirewallProtocol.Icmp, [], [], [], FirewallAction.Accept, null),
            Rule("fccccccccccc", 50, FirewallDirection.Forward, FirewallProtocol.Any, [], [$"{NodeId}-pbbbbbbbbbbb"], [], FirewallAction.Accept, "only a disabled peer: left out"),
            Rule("fdddddddddddd", 200, FirewallDirection.Egress, FirewallProtocol.Udp, ["53"], ["10.44.0.0/24"], [], FirewallAction.Reject, null, enabled: false),
            Rule("feeeeeeeeeee", 300, FirewallDirection.Forward, FirewallProtocol.Any, [], [], ["fd00:44::/64"], FirewallAction.Drop, "v6 east-west"),
        ];
        return new NodeSnapshot(node, peers, routes, rules);
    }

    private static Node Node() => new(
        NodeId, "edge", "vpn.example.com", 51820, "10.44.0.0/24", null, 1420, 25, [":443"], [],
        Functions.Nodes.Node.DefaultFirewallPolicy, null, NodeStatuses.Enrolled, T0, T0);

    private static Peer Peer(string suffix, int host, bool v6 = false, int? keepalive = null, string? psk = null, bool enabled = true,
        DateTimeOffset? expiresAt = null, IReadOnlyList<string>? allowedIps = null, DateTimeOffset? created = null)
    {
        List<string> addresses = [$"10.44.0.{host}/32"];
        if (v6)
        {
            addresses.Add($"fd00:44::{host}/128");
        }

        return new Peer($"{NodeId}-{suffix}", NodeId, suffix, Key(host), psk, addresses, allowedIps ?? addresses, keepalive, enabled, expiresAt, null, created ?? T0, T0);
    }

    private static SniRoute Route(string suffix, string listen, IReadOnlyList<string> sni, string peer, int port, ProxyProtocol proxy, bool enabled = true) =>
        new($"{NodeId}-{suffix}", NodeId, listen, sni, $"{NodeId}-{peer}", port, proxy, enabled, T0, T0);

    private static FirewallRule Rule(string suffix, int priority, FirewallDirection direction, FirewallProtocol protocol, IReadOnlyList<string> ports,
        IReadOnlyList<string> sources, IReadOnlyList<string> destinations, FirewallAction action, string? comment, bool enabled = true) =>
        new($"{NodeId}-{suffix}", NodeId, direction, protocol, ports, sources, destinations, action, priority, comment, enabled, T0, T0);

    private static string Key(int seed) => Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)(seed + i)).ToArray());
}

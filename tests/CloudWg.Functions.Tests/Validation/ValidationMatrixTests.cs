using System.Net;
using System.Text.Json.Nodes;
using CloudWg.Functions.Tests.Infrastructure;

namespace CloudWg.Functions.Tests.Validation;

/// <summary>Every field of every writable resource with bad values: 400 problem+json naming exactly that field (as a JSON path).</summary>
public sealed class ValidationMatrixTests(FleetFixture fleet) : IClassFixture<FleetFixture>
{
    private const string Absent = "<absent>";

    public static TheoryData<string, string, string, string> Cases => new()
    {
        // resource, field, JSON value (or <absent>), expected error path
        { "node", "name", Absent, "name" },
        { "node", "name", "\"\"", "name" },
        { "node", "name", "\"   \"", "name" },
        { "node", "name", "123", "name" },
        { "node", "name", $"\"{new string('n', 65)}\"", "name" },
        { "node", "name", "\"tab\\there\"", "name" },
        { "node", "endpoint", Absent, "endpoint" },
        { "node", "endpoint", "\"not a host!\"", "endpoint" },
        { "node", "endpoint", "\"vpn.example.com:51820\"", "endpoint" },
        { "node", "endpoint", "\"*.example.com\"", "endpoint" },
        { "node", "endpoint", "\"localhost\"", "endpoint" },
        { "node", "listenPort", "0", "listenPort" },
        { "node", "listenPort", "65536", "listenPort" },
        { "node", "listenPort", "\"51820\"", "listenPort" },
        { "node", "listenPort", "1.5", "listenPort" },
        { "node", "ipv4Network", Absent, "ipv4Network" },
        { "node", "ipv4Network", "\"10.44.0.1/24\"", "ipv4Network" },
        { "node", "ipv4Network", "\"10.44.0.0/31\"", "ipv4Network" },
        { "node", "ipv4Network", "\"10.0.0.0/7\"", "ipv4Network" },
        { "node", "ipv4Network", "\"fd00::/64\"", "ipv4Network" },
        { "node", "ipv4Network", "\"10.44.0.0\"", "ipv4Network" },
        { "node", "ipv6Network", "\"10.44.0.0/24\"", "ipv6Network" },
        { "node", "ipv6Network", "\"fd00::1/64\"", "ipv6Network" },
        { "node", "ipv6Network", "\"FD00::/64\"", "ipv6Network" },
        { "node", "ipv6Network", "\"fd00::/127\"", "ipv6Network" },
        { "node", "mtu", "1279", "mtu" },
        { "node", "mtu", "9001", "mtu" },
        { "node", "persistentKeepalive", "-1", "persistentKeepalive" },
        { "node", "persistentKeepalive", "65536", "persistentKeepalive" },
        { "node", "l4Listen", "\":443\"", "l4Listen" },
        { "node", "l4Listen", "[\"443\"]", "l4Listen[0]" },
        { "node", "l4Listen", "[\":443\", \":443\"]", "l4Listen[1]" },
        { "node", "l4Listen", "[\":443\", 8443]", "l4Listen[1]" },
        { "node", "l4Listen", "[\"[::]:0\"]", "l4Listen[0]" },
        { "node", "dns", "[\"1.1.1\"]", "dns[0]" },
        { "node", "dns", "[\"1.1.1.1\", \"dns.google\"]", "dns[1]" },
        { "node", "firewallPolicy", "\"accept\"", "firewallPolicy" },
        { "node", "firewallPolicy", "{\"input\": \"allow\"}", "firewallPolicy.input" },
        { "node", "firewallPolicy", "{\"egress\": 1}", "firewallPolicy.egress" },
        { "node", "firewallPolicy", "{\"output\": \"drop\"}", "firewallPolicy.output" },
        { "node", "status", "\"enrolled\"", "status" },
        { "node", "publicKey", $"\"{Api.ValidKey}\"", "publicKey" },

        { "peer", "name", Absent, "name" },
        { "peer", "name", "null", "name" },
        { "peer", "publicKey", Absent, "publicKey" },
        { "peer", "publicKey", "\"abc\"", "publicKey" },
        { "peer", "publicKey", $"\"{Convert.ToBase64String(new byte[31])}\"", "publicKey" },
        { "peer", "publicKey", $"\"{Api.ValidKey.TrimEnd('=')}\"", "publicKey" },
        { "peer", "publicKey", $"\"{Api.ValidKey.Replace('+', '-')}x\"", "publicKey" },
        { "peer", "presharedKey", "\"secret\"", "presharedKey" },
        { "peer", "privateKey", $"\"{Api.ValidKey}\"", "privateKey" },
        { "peer", "addresses", "[\"10.50.0.5\"]", "addresses[0]" },
        { "peer", "addresses", "[\"10.50.0.0/24\"]", "addresses[0]" },
        { "peer", "addresses", "[\"10.50.0.1/32\"]", "addresses[0]" },
        { "peer", "addresses", "[\"10.50.0.255/32\"]", "addresses[0]" },
        { "peer", "addresses", "[\"10.51.0.5/32\"]", "addresses[0]" },
        { "peer", "addresses", "[\"10.50.0.5/32\", \"10.50.0.6/32\"]", "addresses[1]" },
        { "peer", "addresses", "[]", "addresses" },
        { "peer", "addresses", "[\"a\", \"b\", \"c\"]", "addresses" },
        { "peer", "allowedIps", "[\"10.0.0.1/8\"]", "allowedIps[0]" },
        { "peer", "allowedIps", "[\"10.0.0.0/8\", \"10.1.0.0/16\"]", "allowedIps[1]" },
        { "peer", "allowedIps", "\"10.0.0.0/8\"", "allowedIps" },
        { "peer", "persistentKeepalive", "-1", "persistentKeepalive" },
        { "peer", "persistentKeepalive", "70000", "persistentKeepalive" },
        { "peer", "enabled", "\"yes\"", "enabled" },
        { "peer", "expiresAt", "\"2020-01-01T00:00:00Z\"", "expiresAt" },
        { "peer", "expiresAt", "\"tomorrow\"", "expiresAt" },
        { "peer", "expiresAt", "\"2099-01-01T00:00:00\"", "expiresAt" },
        { "peer", "notes", $"\"{new string('x', 1025)}\"", "notes" },
        { "peer", "notes", "\"\\ud800\"", "notes" },

        { "route", "sni", Absent, "sni" },
        { "route", "sni", "[]", "sni" },
        { "route", "sni", "\"app.example.com\"", "sni" },
        { "route", "sni", "[\"bad_name.example.com\"]", "sni[0]" },
        { "route", "sni", "[\"a.example.com\", \"*.bad*.example.com\"]", "sni[1]" },
        { "route", "sni", "[\"a.example.com\", \"A.example.com\"]", "sni[1]" },
        { "route", "sni", "[\"a.example.com\", \"10.0.0.1\"]", "sni[1]" },
        { "route", "sni", "[\"*.com\"]", "sni[0]" },
        { "route", "peerId", Absent, "peerId" },
        { "route", "peerId", "\"nope\"", "peerId" },
        { "route", "port", Absent, "port" },
        { "route", "port", "0", "port" },
        { "route", "port", "70000", "port" },
        { "route", "proxyProtocol", "\"v3\"", "proxyProtocol" },
        { "route", "listen", "\":8443\"", "listen" },
        { "route", "enabled", "1", "enabled" },

        { "rule", "direction", Absent, "direction" },
        { "rule", "direction", "\"inbound\"", "direction" },
        { "rule", "protocol", "\"sctp\"", "protocol" },
        { "rule", "ports", "[\"0\"]", "ports[0]" },
        { "rule", "ports", "[\"100-50\"]", "ports[0]" },
        { "rule", "ports", "[\"80\", \"http\"]", "ports[1]" },
        { "rule", "ports", "[\"80\"]", "ports" },
        { "rule", "sources", "[\"10.0.0.1/8\"]", "sources[0]" },
        { "rule", "sources", "[\"nzzzzzzzzzzzz-pzzzzzzzzzzzz\"]", "sources[0]" },
        { "rule", "destinations", "[\"10.0.0.0/8\", \"bogus\"]", "destinations[1]" },
        { "rule", "action", Absent, "action" },
        { "rule", "action", "\"allow\"", "action" },
        { "rule", "priority", "-1", "priority" },
        { "rule", "priority", "65536", "priority" },
        { "rule", "comment", $"\"{string.Concat(Enumerable.Repeat("é", 65))}\"", "comment" },
        { "rule", "enabled", "\"true\"", "enabled" },
    };

    public static TheoryData<string, string, string, string> PatchCases => new()
    {
        { "node", "name", "null", "name" },
        { "node", "mtu", "100", "mtu" },
        { "node", "l4Listen", "[\"x\"]", "l4Listen[0]" },
        { "peer", "publicKey", "\"bad\"", "publicKey" },
        { "peer", "addresses", "[\"10.50.0.9/32\"]", "addresses" },
        { "peer", "expiresAt", "\"2001-01-01T00:00:00Z\"", "expiresAt" },
        { "route", "sni", "[]", "sni" },
        { "route", "peerId", "\"nope\"", "peerId" },
        { "rule", "action", "\"maybe\"", "action" },
        { "rule", "ports", "[\"22\"]", "ports" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Create_with_a_bad_field_is_400_naming_it(string resource, string field, string value, string path)
    {
        var body = Base(resource);
        body.Remove(field);
        var response = await fleet.Client.PostAsync(CreatePath(resource), Api.RawJson(With(body, field, value)), TestContext.Current.CancellationToken);
        await AssertNamesAsync(response, path);
    }

    [Theory]
    [MemberData(nameof(PatchCases))]
    public async Task Patch_with_a_bad_field_is_400_naming_it(string resource, string field, string value, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, ItemPath(resource)) { Content = Api.RawJson(With([], field, value)) };
        request.Headers.TryAddWithoutValidation("If-Match", "*");
        var response = await fleet.Client.SendAsync(request, TestContext.Current.CancellationToken);
        await AssertNamesAsync(response, path);
    }

    [Fact]
    public async Task The_base_bodies_are_valid()
    {
        foreach (var resource in new[] { "node", "peer", "route", "rule" })
        {
            var body = Base(resource);
            if (resource == "route")
            {
                body["sni"] = new JsonArray($"base-{Guid.NewGuid():N}.example.com");
            }

            var response = await fleet.Client.PostAsync(CreatePath(resource), Api.RawJson(body.ToJsonString()), TestContext.Current.CancellationToken);
            Assert.True(response.StatusCode == HttpStatusCode.Created, $"{resource}: {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
        }
    }

    /// <summary>The body as text with <paramref name="field"/> set to the raw JSON <paramref name="value"/> (which may be invalid Unicode on purpose).</summary>
    private static string With(JsonObject body, string field, string value)
    {
        var text = body.ToJsonString();
        return value == Absent ? text : text[..^1] + (body.Count > 0 ? "," : "") + $"\"{field}\":{value}}}";
    }

    private static async Task AssertNamesAsync(HttpResponseMessage response, string path)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}");
        Assert.True(response.IsProblem());
        var problem = JsonNode.Parse(text)!.AsObject();
        var errors = problem["errors"]!.AsObject();
        Assert.True(errors.ContainsKey(path), $"expected an error at {path}, got {text}");
        Assert.All(errors, e => Assert.NotEmpty((string)e.Value![0]!));
        Assert.Contains(path, (string)problem["detail"]!);
    }

    private JsonObject Base(string resource) => resource switch
    {
        "node" => new JsonObject { ["name"] = "edge", ["endpoint"] = "vpn.example.com", ["ipv4Network"] = "10.60.0.0/24" },
        "peer" => new JsonObject { ["name"] = "p", ["publicKey"] = Api.NewKey() },
        "route" => new JsonObject { ["sni"] = new JsonArray("x.example.com"), ["peerId"] = fleet.Peer.Str("id"), ["port"] = 443 },
        "rule" => new JsonObject { ["direction"] = "input", ["action"] = "accept" },
        _ => throw new ArgumentOutOfRangeException(nameof(resource)),
    };

    private string CreatePath(string resource) => resource switch
    {
        "node" => "/api/nodes",
        "peer" => $"/api/nodes/{fleet.Node.Str("id")}/peers",
        "route" => $"/api/nodes/{fleet.Node.Str("id")}/routes",
        _ => $"/api/nodes/{fleet.Node.Str("id")}/firewall-rules",
    };

    private string ItemPath(string resource) => resource switch
    {
        "node" => $"/api/nodes/{fleet.Node.Str("id")}",
        "peer" => $"/api/peers/{fleet.Peer.Str("id")}",
        "route" => $"/api/routes/{fleet.Route.Str("id")}",
        _ => $"/api/firewall-rules/{fleet.Rule.Str("id")}",
    };
}

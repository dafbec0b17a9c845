using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using CloudWg.Functions.Tests.Infrastructure;
using CsCheck;

namespace CloudWg.Functions.Tests.Validation;

/// <summary>
/// Property-based fuzzing of request bodies (CsCheck): objects made of the resources' real field names (and some
/// that are not) with values of every JSON kind, including the awkward ones. Whatever the body, the answer is
/// never a 5xx, and every 4xx is problem+json.
/// </summary>
public sealed class FuzzTests(FleetFixture fleet) : IClassFixture<FleetFixture>
{
    private static readonly string[] Fields =
    [
        "name", "endpoint", "listenPort", "ipv4Network", "ipv6Network", "mtu", "persistentKeepalive", "l4Listen", "dns", "firewallPolicy",
        "publicKey", "presharedKey", "addresses", "allowedIps", "enabled", "expiresAt", "notes",
        "sni", "peerId", "port", "proxyProtocol", "listen",
        "direction", "protocol", "ports", "sources", "destinations", "action", "priority", "comment",
        "input", "forward", "egress", "id", "etag", "", "Name", "__proto__",
    ];

    private static readonly string[] Strings =
    [
        "", " ", "x", "edge", "vpn.example.com", "*.example.com", "app.example.com", "A.EXAMPLE.COM", "10.44.0.0/24", "10.44.0.2/32",
        "10.50.0.7/32", "fd00:50::7/128", "fd00::/64", "0.0.0.0/0", "::/0", "10.44.0.1/24", "1.1.1.1", "::1", ":443", "[::]:8443",
        "0.0.0.0:443", "443", "8000-8100", "0-0", "65535", "accept", "drop", "reject", "input", "forward", "egress", "tcp", "udp",
        "icmp", "any", "none", "v1", "v2", "2099-01-01T00:00:00Z", "2000-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "nope",
        Api.ValidKey, "AAAA", "null", "true", "\u0000", "\u202e", "😀", new string('a', 300), "../../etc/passwd", "'; DROP TABLE peers;--",
        "%00", "${jndi:ldap://x}", "<script>",
    ];

    private static readonly Gen<JsonNode?> Scalar = Gen.Frequency(
        (4, Gen.OneOf(Strings).Select(s => (JsonNode?)JsonValue.Create(s))),
        (2, Gen.String.Select(s => (JsonNode?)JsonValue.Create(s))),
        (3, Gen.OneOf(0, 1, -1, 25, 443, 1280, 1420, 51820, 65535, 65536, int.MaxValue, int.MinValue).Select(i => (JsonNode?)JsonValue.Create(i))),
        (1, Gen.Long.Select(l => (JsonNode?)JsonValue.Create(l))),
        (1, Gen.Double.Select(d => double.IsFinite(d) ? (JsonNode?)JsonValue.Create(d) : JsonValue.Create(0.5))),
        (1, Gen.Bool.Select(b => (JsonNode?)JsonValue.Create(b))),
        (1, Gen.Const((JsonNode?)null)));

    private static readonly Gen<JsonNode?> Value = Gen.Frequency(
        (6, Scalar),
        (2, Scalar.Array[0, 4].Select(items => (JsonNode?)new JsonArray(items.Select(i => i?.DeepClone()).ToArray()))),
        (1, Gen.Select(Gen.OneOf(Fields), Scalar).Array[0, 3].Select(ps =>
        {
            var o = new JsonObject();
            foreach (var (k, v) in ps)
            {
                o[k] = v?.DeepClone();
            }

            return (JsonNode?)o;
        })));

    private static readonly Gen<string> Body = Gen.Frequency(
        (8, Gen.Select(Gen.OneOf(Fields), Value).Array[0, 8].Select(ps =>
        {
            var o = new JsonObject();
            foreach (var (k, v) in ps)
            {
                o[k] = v?.DeepClone();
            }

            return o.ToJsonString();
        })),
        (1, Gen.OneOf("", "{", "[]", "null", "{\"name\":\"\\ud800\"}", "{\"\\udfff\":1}", "{\"a\":1,\"a\":2}", new string('[', 200), "{\"name\": 1e999}")),
        (1, Gen.String.Select(s => s)));

    public static TheoryData<string> Targets => new("POST node", "POST peer", "POST route", "POST rule", "PATCH node", "PATCH peer", "PATCH route", "PATCH rule");

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Random_bodies_never_give_a_server_error(string target)
    {
        var ct = TestContext.Current.CancellationToken;
        var (method, resource) = (target.Split(' ')[0], target.Split(' ')[1]);
        var path = method == "POST" ? CreatePath(resource) : ItemPath(resource);
        await Body.SampleAsync(
            async body =>
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                request.Headers.TryAddWithoutValidation("If-Match", "*");
                var response = await fleet.Client.SendAsync(request, ct);
                var status = (int)response.StatusCode;
                Assert.True(status < 500, $"{target} {body} → {status}: {await response.Content.ReadAsStringAsync(ct)}");
                if (status >= 400)
                {
                    Assert.True(response.IsProblem(), $"{target} {body} → {status} without problem+json");
                }
                else
                {
                    Assert.Contains(response.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.Created });
                }
            },
            iter: 60,
            threads: 1);
    }

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

using System.Text.Json;
using System.Text.Json.Nodes;
using CloudWg.EdgeAgent.Caddy;
using CloudWg.Protocol.DesiredStates;

namespace CloudWg.EdgeAgent.Tests.Caddy;

public sealed class CaddyL4RendererTests
{
    internal static L4Spec SampleSpec() => new(
    [
        new L4Server(":443",
        [
            new L4Route("app", ["app.example.com"], "10.44.0.7:443", null),
            new L4Route("dev", ["*.dev.example.com", "Api.Example.com"], "[fd00::7]:8443", ProxyProtocol.V2),
        ]),
        new L4Server("10.0.0.1:8443", [new L4Route("legacy", ["legacy.example.org"], "10.44.0.9:443", ProxyProtocol.V1)]),
    ]);

    [Fact]
    public void Renders_sni_routes_as_caddy_l4_servers_exactly()
    {
        const string expected = """
            {
              "cloudwg-443": {
                "listen": [":443"],
                "routes": [
                  {
                    "match": [{"tls": {"sni": ["app.example.com"]}}],
                    "handle": [{"handler": "proxy", "upstreams": [{"dial": ["10.44.0.7:443"]}]}]
                  },
                  {
                    "match": [{"tls": {"sni": ["*.dev.example.com", "api.example.com"]}}],
                    "handle": [{"handler": "proxy", "proxy_protocol": "v2", "upstreams": [{"dial": ["[fd00::7]:8443"]}]}]
                  }
                ]
              },
              "cloudwg-10.0.0.1-8443": {
                "listen": ["10.0.0.1:8443"],
                "routes": [
                  {
                    "match": [{"tls": {"sni": ["legacy.example.org"]}}],
                    "handle": [{"handler": "proxy", "proxy_protocol": "v1", "upstreams": [{"dial": ["10.44.0.9:443"]}]}]
                  }
                ]
              }
            }
            """;

        Assert.Equal(JsonNode.Parse(expected)!.ToJsonString(), CaddyL4Renderer.RenderServers(SampleSpec()).ToJsonString());
    }

    [Fact]
    public void Uses_only_the_shapes_caddy_l4_documents()
    {
        var documented = new HashSet<string>(StringComparer.Ordinal);
        foreach (var example in CaddyL4DocumentedExamples.All)
        {
            foreach (var (_, server) in JsonNode.Parse(example)!["apps"]!["layer4"]!["servers"]!.AsObject())
            {
                Shapes(server!, string.Empty, documented);
            }
        }

        var rendered = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (_, server) in CaddyL4Renderer.RenderServers(SampleSpec()))
        {
            Shapes(JsonNode.Parse(server!.ToJsonString())!, string.Empty, rendered);
        }

        Assert.Subset(documented, rendered);
        Assert.Contains("routes[].match[].tls.sni[]:String", rendered);
        Assert.Contains("routes[].handle[].proxy_protocol:String", rendered);
        Assert.Contains("routes[].handle[].upstreams[].dial[]:String", rendered);
    }

    [Fact]
    public void Routes_that_share_a_listen_address_become_one_server()
    {
        var spec = new L4Spec(
        [
            new L4Server(":443", [new L4Route("a", ["a.example.com"], "10.44.0.7:443", null)]),
            new L4Server(":443", [new L4Route("b", ["b.example.com"], "10.44.0.8:443", null)]),
        ]);

        var servers = CaddyL4Renderer.RenderServers(spec);

        var server = Assert.Single(servers);
        Assert.Equal("cloudwg-443", server.Key);
        Assert.Equal(2, server.Value!["routes"]!.AsArray().Count);
    }

    [Fact]
    public void An_http_server_on_another_port_is_no_conflict()
    {
        var config = JsonNode.Parse("""{"apps":{"http":{"servers":{"web":{"listen":[":80","tcp/[::]:8080-8090"]}}}}}""");

        Assert.Null(CaddyL4Renderer.HttpPortConflict(config, SampleSpec()));
        Assert.Contains("'web' already listens on tcp/[::]:8080-8090", CaddyL4Renderer.HttpPortConflict(config, new L4Spec([new L4Server(":8080", [new L4Route("x", ["x.example.com"], "10.44.0.7:443", null)])])), StringComparison.Ordinal);
        Assert.Null(CaddyL4Renderer.HttpPortConflict(config, new L4Spec([new L4Server(":80", [])])));
    }

    [Fact]
    public void No_servers_render_as_an_empty_map() =>
        Assert.Equal("{}", CaddyL4Renderer.RenderServers(new L4Spec([])).ToJsonString());

    [Theory]
    [InlineData(":443", "cloudwg-443")]
    [InlineData("0.0.0.0:443", "cloudwg-0.0.0.0-443")]
    [InlineData("[::]:8443", "cloudwg-8443")]
    public void Server_names_derive_from_the_listen_address(string listen, string name) =>
        Assert.Equal(name, CaddyL4Renderer.ServerName(listen));

    [Theory]
    [InlineData(":443", "bad_name.example.com", "10.44.0.7:443", "sni 'bad_name.example.com' is not a valid DNS name")]
    [InlineData(":443", "a.*.example.com", "10.44.0.7:443", "sni 'a.*.example.com'")]
    [InlineData(":443", "localhost", "10.44.0.7:443", "sni 'localhost'")]
    [InlineData(":443", "app.example.com", "10.44.0.7", "upstream '10.44.0.7' must be address:port")]
    [InlineData(":443", "app.example.com", "peer.example.com:443", "upstream 'peer.example.com:443'")]
    [InlineData(":0", "app.example.com", "10.44.0.7:443", "listen address ':0' must end in :port")]
    [InlineData("443", "app.example.com", "10.44.0.7:443", "listen address '443'")]
    public void Bad_routes_are_refused_naming_the_problem(string listen, string sni, string upstream, string message)
    {
        var spec = new L4Spec([new L4Server(listen, [new L4Route("r1", [sni], upstream, null)])]);

        var error = Assert.Throws<ArgumentException>(() => CaddyL4Renderer.RenderServers(spec));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    private static void Shapes(JsonNode node, string path, HashSet<string> shapes)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj)
                {
                    Shapes(child!, path.Length == 0 ? key : $"{path}.{key}", shapes);
                }

                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    Shapes(child!, path + "[]", shapes);
                }

                break;
            default:
                shapes.Add($"{path}:{(node.GetValueKind() == JsonValueKind.String ? "String" : node.GetValueKind().ToString())}");
                break;
        }
    }
}

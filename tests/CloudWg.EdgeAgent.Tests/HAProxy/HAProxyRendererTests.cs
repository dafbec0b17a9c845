using CloudWg.EdgeAgent.HAProxy;
using CloudWg.EdgeAgent.Tests.Fixtures;
using CloudWg.Protocol.DesiredStates;

namespace CloudWg.EdgeAgent.Tests.HAProxy;

public sealed class HAProxyRendererTests
{
    internal static L4Spec Sample() => new(
    [
        new L4Server(":443",
        [
            new L4Route("r1", ["App.Example.Test"], "10.44.0.7:8443", null),
            new L4Route("r2", ["*.wild.example.test", "exact.example.test"], "10.44.0.8:443", ProxyProtocol.V2),
        ]),
        new L4Server(":443", [new L4Route("r3", ["v1.example.test"], "[fd00::9]:443", ProxyProtocol.V1)]),
        new L4Server("10.0.0.1:8443", []),
    ]);

    /// <summary>
    /// The whole file, literally: one frontend per listen address (the two :443 servers merged), the ClientHello
    /// waited for, exact names case-insensitive, a wildcard as exactly one label, no default backend (an unknown SNI is
    /// closed), PROXY protocol per route, and a listener without routes left out.
    /// </summary>
    [Fact]
    public void Renders_the_sample_exactly()
    {
        const string expected = """
            # Managed by cloudwg-agent from this node's signed desired state. Edits are reverted; see edge-agent/README.md.

            frontend cloudwg-443
                mode tcp
                bind :443
                timeout client 1h
                tcp-request inspect-delay 5s
                tcp-request content accept if { req.ssl_hello_type 1 }
                use_backend cloudwg-route-r1 if { req.ssl_sni -i app.example.test }
                use_backend cloudwg-route-r2 if { req.ssl_sni -m reg -i '^[^.]+\.wild\.example\.test$' }
                use_backend cloudwg-route-r2 if { req.ssl_sni -i exact.example.test }
                use_backend cloudwg-route-r3 if { req.ssl_sni -i v1.example.test }

            backend cloudwg-route-r1
                mode tcp
                timeout connect 5s
                timeout server 1h
                server peer 10.44.0.7:8443

            backend cloudwg-route-r2
                mode tcp
                timeout connect 5s
                timeout server 1h
                server peer 10.44.0.8:443 send-proxy-v2

            backend cloudwg-route-r3
                mode tcp
                timeout connect 5s
                timeout server 1h
                server peer [fd00::9]:443 send-proxy

            """;

        Assert.Equal(expected.ReplaceLineEndings("\n"), HAProxyRenderer.Render(Sample()));
    }

    [Theory]
    [InlineData("bad..name", "10.44.0.7:443", "r1", "not a valid DNS name")]
    [InlineData("a.*.example.test", "10.44.0.7:443", "r1", "not a valid DNS name")]
    [InlineData("ok.example.test", "10.44.0.7", "r1", "must be address:port")]
    [InlineData("ok.example.test", "10.44.0.7:443", "r 1", "must be 1-64 letters")]
    public void Bad_routes_are_refused_naming_the_route(string sni, string upstream, string id, string message)
    {
        var spec = new L4Spec([new L4Server(":443", [new L4Route(id, [sni], upstream, null)])]);

        var e = Assert.Throws<ArgumentException>(() => HAProxyRenderer.Render(spec));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Haproxy_accepts_the_rendered_file()
    {
        if (!(await Run.TryAsync("sh", "-c", "command -v haproxy")).Succeeded)
        {
            Assert.Skip("haproxy is not installed (make test installs it as root)");
        }

        using var dir = new TempDirectory();
        var file = Path.Combine(dir.Path, "cloudwg.cfg");
        await File.WriteAllTextAsync(file, HAProxyRenderer.Render(Sample()), TestContext.Current.CancellationToken);
        var driver = new HAProxyDriver(new HAProxyOptions { ConfigFile = file, ValidateWith = [] });

        var check = await Run.TryAsync("haproxy", [.. driver.ValidationArguments(file)]);

        Assert.True(check.Succeeded, check.StandardError + check.StandardOutput);
    }
}

namespace CloudWg.EdgeAgent.Tests.Caddy;

/// <summary>
/// JSON examples from caddy-l4's own documentation (github.com/mholt/caddy-l4: docs/matchers/tls.md,
/// docs/examples/imaps_with_proxy_protocol.md, README.md), kept verbatim in structure as fixtures: what the
/// renderer emits must use only the shapes these documented configs use.
/// </summary>
internal static class CaddyL4DocumentedExamples
{
    /// <summary>docs/matchers/tls.md: TLS SNI matcher routes proxied without terminating TLS.</summary>
    public const string TlsSniMatcher = """
        {
            "apps": {
                "layer4": {
                    "servers": {
                        "srv0": {
                            "listen": [":8843"],
                            "routes": [
                                {
                                    "match": [{"tls": {"sni": ["one.com", "two.com"]}}],
                                    "handle": [{"handler": "proxy", "upstreams": [{"dial": ["tcp/{l4.tls.server_name}:443"]}]}]
                                },
                                {
                                    "match": [{"tls": {"alpn": ["custom"], "sni": ["example.com"]}}],
                                    "handle": [{"handler": "proxy", "upstreams": [{"dial": ["tcp/localhost:6543"]}]}]
                                }
                            ]
                        }
                    }
                }
            }
        }
        """;

    /// <summary>docs/examples/imaps_with_proxy_protocol.md (layer4 part): proxy with proxy_protocol v1 and v2.</summary>
    public const string ImapsWithProxyProtocol = """
        {
            "apps": {
                "layer4": {
                    "servers": {
                        "srv0": {
                            "listen": [":993"],
                            "routes": [
                                {
                                    "match": [{"tls": {"sni": ["imap.example.com"]}}],
                                    "handle": [
                                        {"handler": "tls"},
                                        {"handler": "proxy", "proxy_protocol": "v1", "upstreams": [{"dial": ["localhost:143"]}]}
                                    ]
                                }
                            ]
                        },
                        "srv1": {
                            "listen": [":143"],
                            "routes": [
                                {
                                    "handle": [
                                        {"handler": "proxy_protocol"},
                                        {"handler": "proxy", "proxy_protocol": "v2", "upstreams": [{"dial": ["localhost:1143"]}]}
                                    ]
                                }
                            ]
                        }
                    }
                }
            }
        }
        """;

    /// <summary>README.md: "filter by HTTP Host header and/or TLS ClientHello ServerName".</summary>
    public const string ReadmeHostOrServerName = """
        {
            "apps": {
                "layer4": {
                    "servers": {
                        "example": {
                            "listen": ["127.0.0.1:5000"],
                            "routes": [
                                {
                                    "match": [{"http": [{"host": ["example.com"]}]}],
                                    "handle": [{"handler": "proxy", "upstreams": [{"dial": ["localhost:80"]}]}]
                                },
                                {
                                    "match": [{"tls": {"sni": ["example.net"]}}],
                                    "handle": [{"handler": "proxy", "upstreams": [{"dial": ["localhost:443"]}]}]
                                }
                            ]
                        }
                    }
                }
            }
        }
        """;

    public static IEnumerable<string> All => [TlsSniMatcher, ImapsWithProxyProtocol, ReadmeHostOrServerName];
}

using System.Net;
using CloudWg.EdgeAgent.WireGuard;
using CloudWg.EdgeAgent.WireGuard.Uapi;

namespace CloudWg.EdgeAgent.Tests.WireGuard;

public sealed class UapiRendererTests
{
    internal const string HexA = "0101010101010101010101010101010101010101010101010101010101010101";
    internal const string HexB = "0202020202020202020202020202020202020202020202020202020202020202";
    internal const string HexC = "0303030303030303030303030303030303030303030303030303030303030303";

    [Fact]
    public void Renders_device_fields_and_a_new_peer()
    {
        var patch = new WgConfigPatch
        {
            PrivateKey = WgKey.FromHex(HexA),
            ListenPort = 51820,
            Peers =
            [
                new WgPeerPatch
                {
                    PublicKey = WgKey.FromHex(HexB),
                    PresharedKey = WgKey.FromHex(HexC),
                    PersistentKeepaliveSeconds = 25,
                    ReplaceAllowedIps = true,
                    AllowedIps = [IPNetwork.Parse("10.44.0.7/32"), IPNetwork.Parse("fd00::7/128")],
                },
            ],
        };

        Assert.Equal(
            "set=1\n" +
            $"private_key={HexA}\n" +
            "listen_port=51820\n" +
            $"public_key={HexB}\n" +
            $"preshared_key={HexC}\n" +
            "persistent_keepalive_interval=25\n" +
            "replace_allowed_ips=true\n" +
            "allowed_ip=10.44.0.7/32\n" +
            "allowed_ip=fd00::7/128\n" +
            "\n",
            UapiRenderer.RenderSet(patch));
    }

    [Fact]
    public void Renders_update_only_remove_endpoint_and_replace_peers()
    {
        var patch = new WgConfigPatch
        {
            FirewallMark = 0,
            ReplacePeers = true,
            Peers =
            [
                new WgPeerPatch { PublicKey = WgKey.FromHex(HexA), Remove = true, PersistentKeepaliveSeconds = 9 },
                new WgPeerPatch
                {
                    PublicKey = WgKey.FromHex(HexB),
                    UpdateOnly = true,
                    Endpoint = IPEndPoint.Parse("[fd00::1]:51820"),
                    PresharedKey = WgKey.Zero,
                },
            ],
        };

        Assert.Equal(
            "set=1\n" +
            "fwmark=0\n" +
            "replace_peers=true\n" +
            $"public_key={HexA}\n" +
            "remove=true\n" +
            $"public_key={HexB}\n" +
            "update_only=true\n" +
            "preshared_key=0000000000000000000000000000000000000000000000000000000000000000\n" +
            "endpoint=[fd00::1]:51820\n" +
            "\n",
            UapiRenderer.RenderSet(patch));
    }

    [Fact]
    public void Get_request_is_the_documented_literal() => Assert.Equal("get=1\n\n", UapiRenderer.GetRequest);

    [Fact]
    public void Keys_convert_between_hex_and_base64()
    {
        var key = WgKey.FromHex(HexA);
        Assert.Equal("AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=", key.ToString());
        Assert.Equal(key, WgKey.Parse("AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE="));
        Assert.False(WgKey.TryParse("AQEBAQ==", out _));
        Assert.False(WgKey.TryParse("AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQF=", out _));
    }
}

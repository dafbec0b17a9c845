using System.Net;
using CloudWg.EdgeAgent.WireGuard;
using CloudWg.EdgeAgent.WireGuard.Uapi;
using static CloudWg.EdgeAgent.Tests.WireGuard.UapiRendererTests;

namespace CloudWg.EdgeAgent.Tests.WireGuard;

public sealed class UapiParserTests
{
    [Fact]
    public void Parses_a_get_response_with_two_peers()
    {
        var response =
            $"private_key={HexA}\n" +
            "listen_port=51820\n" +
            "fwmark=0\n" +
            $"public_key={HexB}\n" +
            $"preshared_key={HexC}\n" +
            "protocol_version=1\n" +
            "endpoint=192.168.1.2:51821\n" +
            "last_handshake_time_sec=1700000000\n" +
            "last_handshake_time_nsec=500000000\n" +
            "tx_bytes=1234\n" +
            "rx_bytes=5678\n" +
            "persistent_keepalive_interval=25\n" +
            "allowed_ip=10.44.0.7/32\n" +
            "allowed_ip=fd00::7/128\n" +
            $"public_key={HexC}\n" +
            "preshared_key=0000000000000000000000000000000000000000000000000000000000000000\n" +
            "protocol_version=1\n" +
            "last_handshake_time_sec=0\n" +
            "last_handshake_time_nsec=0\n" +
            "tx_bytes=0\n" +
            "rx_bytes=0\n" +
            "persistent_keepalive_interval=0\n" +
            "errno=0\n" +
            "\n";

        var device = UapiParser.ParseGet("wg0", response);

        Assert.Equal(WgKey.FromHex(HexA), device.PrivateKey);
        Assert.Equal(WgKeyPair.PublicKeyOf(WgKey.FromHex(HexA)), device.PublicKey);
        Assert.Equal(51820, device.ListenPort);
        Assert.Equal(2, device.Peers.Count);
        var first = device.Peers[0];
        Assert.Equal(WgKey.FromHex(HexB), first.PublicKey);
        Assert.Equal(WgKey.FromHex(HexC), first.PresharedKey);
        Assert.Equal(IPEndPoint.Parse("192.168.1.2:51821"), first.Endpoint);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1700000000).AddMilliseconds(500), first.LastHandshake);
        Assert.Equal((5678L, 1234L), (first.ReceiveBytes, first.TransmitBytes));
        Assert.Equal(25, first.PersistentKeepaliveSeconds);
        Assert.Equal([IPNetwork.Parse("10.44.0.7/32"), IPNetwork.Parse("fd00::7/128")], first.AllowedIps);
        var second = device.Peers[1];
        Assert.Null(second.PresharedKey);
        Assert.Null(second.LastHandshake);
        Assert.Null(second.Endpoint);
        Assert.Empty(second.AllowedIps);
    }

    [Fact]
    public void A_device_without_private_key_has_no_public_key()
    {
        var device = UapiParser.ParseGet("wg0", "listen_port=0\nerrno=0\n\n");
        Assert.Null(device.PrivateKey);
        Assert.Null(device.PublicKey);
        Assert.Empty(device.Peers);
    }

    [Fact]
    public void Nonzero_errno_is_an_error_with_the_errno()
    {
        var e = Assert.Throws<WireGuardException>(() => UapiParser.ParseSet("errno=22\n\n"));
        Assert.Equal(22, e.Errno);
    }

    [Theory]
    [InlineData("listen_port=abc\nerrno=0\n\n")]
    [InlineData("garbage\nerrno=0\n\n")]
    [InlineData("listen_port=1\n\n")]
    public void Malformed_responses_are_errors(string response) =>
        Assert.Throws<WireGuardException>(() => UapiParser.ParseGet("wg0", response));
}

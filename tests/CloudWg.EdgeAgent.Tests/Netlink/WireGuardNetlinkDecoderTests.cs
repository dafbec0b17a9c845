using System.Net;
using CloudWg.EdgeAgent.WireGuard.Netlink;
using static CloudWg.EdgeAgent.Tests.Netlink.WireGuardNetlinkEncoderTests;

namespace CloudWg.EdgeAgent.Tests.Netlink;

public sealed class WireGuardNetlinkDecoderTests
{
    // A dump the way the kernel splits it: the first message has the device and peer aa with one allowed IP;
    // the second repeats only the name, continues peer aa (key + another allowed IP) and adds peer cc.
    private static readonly string[] FirstMessage =
    [
        "c8000000 1d00 0200 05000000 00000000", // len 200, NLM_F_MULTI, seq 5
        "00 01 0000",
        "0800 0100 07000000", //                   IFINDEX 7
        "0800 0200 77673000", //                   IFNAME wg0
        "2400 0400" + Repeat("bb", 32), //         PUBLIC_KEY
        "0600 0600 6cca 0000", //                  LISTEN_PORT 51820
        "7800 0880", //                            PEERS
        "7400 0080", //                              peer
        "2400 0100" + Repeat("aa", 32), //             PUBLIC_KEY
        "1400 0600 00f1536500000000 0000000000000000", // LAST_HANDSHAKE_TIME 1700000000 s
        "0c00 0700 e803000000000000", //               RX_BYTES 1000
        "0c00 0800 d007000000000000", //               TX_BYTES 2000
        "2000 0980", //                                ALLOWEDIPS
        "1c00 0080 0600 0100 0200 0000 0800 0200 0a2c0002 0500 0300 20000000", // 10.44.0.2/32
    ];

    private static readonly string[] SecondMessage =
    [
        "ac000000 1d00 0200 05000000 00000000", // len 172
        "00 01 0000",
        "0800 0200 77673000",
        "9000 0880",
        "4800 0080", //                              peer aa continued
        "2400 0100" + Repeat("aa", 32),
        "2000 0980",
        "1c00 0080 0600 0100 0200 0000 0800 0200 0a2c0100 0500 0300 18000000", // 10.44.1.0/24
        "4400 0080", //                              peer cc
        "2400 0100" + Repeat("cc", 32),
        "0600 0500 1900 0000", //                      keepalive 25
        "1400 0400 0200 01bb c6336409 0000000000000000", // endpoint 198.51.100.9:443
    ];

    private const string Done = "14000000 0300 0200 05000000 00000000 00000000";

    [Fact]
    public void A_multi_part_dump_is_coalesced_into_one_device()
    {
        var datagram = Hex([.. FirstMessage, .. SecondMessage, Done]);

        var device = WireGuardNetlinkDecoder.DecodeDevice(NetlinkMessage.ParseAll(datagram));

        Assert.Equal("wg0", device.Name);
        Assert.Equal(WgKey(0xbb), device.PublicKey);
        Assert.Null(device.PrivateKey);
        Assert.Equal(51820, device.ListenPort);
        Assert.Equal(2, device.Peers.Count);

        var aa = device.Peers[0];
        Assert.Equal(WgKey(0xaa), aa.PublicKey);
        Assert.Equal([IPNetwork.Parse("10.44.0.2/32"), IPNetwork.Parse("10.44.1.0/24")], aa.AllowedIps);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), aa.LastHandshake);
        Assert.Equal(1000, aa.ReceiveBytes);
        Assert.Equal(2000, aa.TransmitBytes);
        Assert.Null(aa.Endpoint);

        var cc = device.Peers[1];
        Assert.Equal(WgKey(0xcc), cc.PublicKey);
        Assert.Equal(25, cc.PersistentKeepaliveSeconds);
        Assert.Equal(IPEndPoint.Parse("198.51.100.9:443"), cc.Endpoint);
        Assert.Empty(cc.AllowedIps);
        Assert.Null(cc.LastHandshake);
    }

    [Fact]
    public void Messages_from_separate_datagrams_decode_the_same()
    {
        var messages = new[] { Hex(FirstMessage), Hex(SecondMessage), Hex(Done) }.SelectMany(d => NetlinkMessage.ParseAll(d));

        var device = WireGuardNetlinkDecoder.DecodeDevice(messages);

        Assert.Equal(2, device.Peers.Count);
        Assert.Equal(2, device.Peers[0].AllowedIps.Count);
    }

    [Fact]
    public void An_interrupted_dump_is_flagged_for_retry()
    {
        var interrupted = FirstMessage.ToArray();
        interrupted[0] = "c8000000 1d00 1200 05000000 00000000"; // NLM_F_MULTI | NLM_F_DUMP_INTR

        Assert.Throws<NetlinkDumpInterruptedException>(() => WireGuardNetlinkDecoder.DecodeDevice(NetlinkMessage.ParseAll(Hex([.. interrupted, Done]))));
    }

    [Fact]
    public void A_kernel_error_carries_the_errno()
    {
        // NLMSG_ERROR with -ENODEV followed by the (truncated) request header.
        var error = Hex("24000000 0200 0001 05000000 00000000", "edffffff", "1c000000 1d00 0503 05000000 00000000");

        var e = Assert.Throws<NetlinkException>(() => WireGuardNetlinkDecoder.DecodeDevice(NetlinkMessage.ParseAll(error)));

        Assert.Equal(19, e.Errno);
        Assert.Contains("no such device", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_input_is_a_format_error() =>
        Assert.Throws<FormatException>(() => NetlinkMessage.ParseAll(Hex(FirstMessage)[..100]));

    [Fact]
    public void Ipv6_endpoints_decode_with_scope()
    {
        var bytes = WireGuardNetlinkEncoder.EncodeSockaddr(new IPEndPoint(IPAddress.Parse("fe80::1%3"), 51820));

        Assert.Equal(Hex("0a00 ca6c 00000000 fe800000000000000000000000000001 03000000"), bytes);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("fe80::1%3"), 51820), WireGuardNetlinkDecoder.DecodeSockaddr(bytes));
    }
}

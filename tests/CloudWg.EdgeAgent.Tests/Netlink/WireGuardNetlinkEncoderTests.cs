using System.Net;
using CloudWg.EdgeAgent.WireGuard;
using CloudWg.EdgeAgent.WireGuard.Netlink;

namespace CloudWg.EdgeAgent.Tests.Netlink;

/// <summary>Byte-level checks against the attribute layout of include/uapi/linux/wireguard.h.</summary>
public sealed class WireGuardNetlinkEncoderTests
{
    private const ushort Family = 0x1d;

    [Fact]
    public void Get_device_is_a_dump_request_naming_the_interface()
    {
        var expected = Hex(
            "1c000000 1d00 0503 01000000 00000000", // nlmsghdr: len 28, family, REQUEST|ACK|DUMP, seq 1, port 0
            "00 01 0000", //                           genlmsghdr: WG_CMD_GET_DEVICE, version 1
            "0800 0200 77673000"); //                  WGDEVICE_A_IFNAME "wg0\0"

        Assert.Equal(expected, WireGuardNetlinkEncoder.GetDevice(Family, "wg0", 1));
    }

    [Fact]
    public void Get_family_asks_nlctrl_by_name()
    {
        var expected = Hex(
            "24000000 1000 0500 07000000 00000000", // to GENL_ID_CTRL, REQUEST|ACK, seq 7
            "03 01 0000", //                           CTRL_CMD_GETFAMILY
            "0e00 0200 77697265677561726400 0000"); // CTRL_ATTR_FAMILY_NAME "wireguard\0" + 2 bytes padding

        Assert.Equal(expected, WireGuardNetlinkEncoder.GetFamily("wireguard", 7));
    }

    [Fact]
    public void Set_device_encodes_device_peer_and_allowed_ips_with_nested_flags()
    {
        var config = new WgConfigPatch
        {
            PrivateKey = WgKey(0x11),
            ListenPort = 51820,
            ReplacePeers = true,
            Peers =
            [
                new WgPeerPatch
                {
                    PublicKey = WgKey(0xaa),
                    Endpoint = IPEndPoint.Parse("192.0.2.1:51820"),
                    PersistentKeepaliveSeconds = 25,
                    ReplaceAllowedIps = true,
                    AllowedIps = [IPNetwork.Parse("10.44.0.2/32"), IPNetwork.Parse("fd00::2/128")],
                },
            ],
        };

        var expected = Hex(
            "e8000000 1d00 0500 01000000 00000000", //   len 232, REQUEST|ACK, seq 1
            "01 01 0000", //                              WG_CMD_SET_DEVICE
            "0800 0200 77673000", //                      IFNAME
            "2400 0300" + Repeat("11", 32), //            PRIVATE_KEY
            "0600 0600 6cca 0000", //                     LISTEN_PORT 51820 (host order) + padding
            "0800 0500 01000000", //                      FLAGS = WGDEVICE_F_REPLACE_PEERS
            "9800 0880", //                               PEERS | NLA_F_NESTED
            "9400 0080", //                                 peer 0 | NLA_F_NESTED
            "2400 0100" + Repeat("aa", 32), //                PUBLIC_KEY
            "1400 0400 0200 ca6c c0000201 0000000000000000", // ENDPOINT sockaddr_in: AF_INET, port 51820 (network order), 192.0.2.1
            "0600 0500 1900 0000", //                         PERSISTENT_KEEPALIVE_INTERVAL 25
            "0800 0300 02000000", //                          FLAGS = WGPEER_F_REPLACE_ALLOWEDIPS
            "4800 0980", //                                   ALLOWEDIPS | NLA_F_NESTED
            "1c00 0080", //                                     allowed ip 0
            "0600 0100 0200 0000", //                             FAMILY AF_INET
            "0800 0200 0a2c0002", //                              IPADDR 10.44.0.2
            "0500 0300 20 000000", //                             CIDR_MASK 32
            "2800 0080", //                                     allowed ip 1
            "0600 0100 0a00 0000", //                             FAMILY AF_INET6
            "1400 0200 fd000000000000000000000000000002", //      IPADDR fd00::2
            "0500 0300 80 000000"); //                            CIDR_MASK 128

        var messages = WireGuardNetlinkEncoder.SetDevice(Family, "wg0", config, 1);

        Assert.Equal(expected, Assert.Single(messages));
    }

    [Fact]
    public void Removing_a_peer_sends_only_its_key_and_remove_flag()
    {
        var config = new WgConfigPatch { Peers = [new WgPeerPatch { PublicKey = WgKey(0xaa), Remove = true, AllowedIps = [IPNetwork.Parse("10.0.0.1/32")] }] };

        var expected = Hex(
            "50000000 1d00 0500 09000000 00000000", // len 80
            "01 01 0000",
            "0800 0200 77673000",
            "3400 0880", //                           PEERS, 52 bytes
            "3000 0080", //                             peer, 48 bytes: no allowed IPs even though some were given
            "2400 0100" + Repeat("aa", 32),
            "0800 0300 01000000"); // FLAGS = WGPEER_F_REMOVE_ME

        Assert.Equal(expected, Assert.Single(WireGuardNetlinkEncoder.SetDevice(Family, "wg0", config, 9)));
    }

    [Fact]
    public void Large_peer_sets_are_split_across_messages_like_wg_does()
    {
        var peers = Enumerable.Range(1, 5)
            .Select(p => new WgPeerPatch
            {
                PublicKey = WgKey((byte)p),
                UpdateOnly = p == 3,
                PersistentKeepaliveSeconds = 25,
                ReplaceAllowedIps = true,
                AllowedIps = [.. Enumerable.Range(0, 12).Select(i => IPNetwork.Parse($"10.{p}.{i}.0/24"))],
            })
            .ToList();
        var config = new WgConfigPatch { PrivateKey = WgKey(0x11), ListenPort = 51820, ReplacePeers = true, Peers = peers };

        var messages = WireGuardNetlinkEncoder.SetDevice(Family, "wg0", config, 100, maxMessageSize: 300);

        Assert.True(messages.Count > 3, $"expected several messages, got {messages.Count}");
        Assert.All(messages, m => Assert.InRange(m.Length, 1, 300));
        var parsed = messages.Select(m => Assert.Single(NetlinkMessage.ParseAll(m))).ToList();
        Assert.Equal(Enumerable.Range(100, messages.Count).Select(i => (uint)i), parsed.Select(m => m.Sequence));

        // Device attributes and REPLACE_PEERS only in the first message; every message names the device.
        Assert.Contains(parsed[0].GenlAttributes(), a => a.Type == NetlinkConstants.WgDeviceAFlags && a.U32() == NetlinkConstants.WgDeviceFReplacePeers);
        Assert.Contains(parsed[0].GenlAttributes(), a => a.Type == NetlinkConstants.WgDeviceAPrivateKey);
        foreach (var message in parsed.Skip(1))
        {
            var attributes = message.GenlAttributes();
            Assert.Equal([NetlinkConstants.WgDeviceAIfname, NetlinkConstants.WgDeviceAPeers], attributes.Select(a => a.Type));
            Assert.True(attributes[1].Nested);
        }

        // Each peer part: the first carries REPLACE_ALLOWEDIPS and the keepalive, continuations only the key,
        // allowed IPs and the flags that must hold for every part (UPDATE_ONLY).
        var seen = new HashSet<string>();
        foreach (var peer in parsed.SelectMany(m => m.GenlAttributes().Where(a => a.Type == NetlinkConstants.WgDeviceAPeers).SelectMany(a => a.Children())))
        {
            Assert.True(peer.Nested);
            var attributes = peer.Children();
            var key = Convert.ToHexString(attributes.Single(a => a.Type == NetlinkConstants.WgPeerAPublicKey).Payload.Span);
            var flags = attributes.SingleOrDefault(a => a.Type == NetlinkConstants.WgPeerAFlags) is { Payload.Length: 4 } f ? f.U32() : 0;
            var isUpdateOnly = key == Convert.ToHexString(Key(3));
            if (seen.Add(key))
            {
                Assert.Equal(NetlinkConstants.WgPeerFReplaceAllowedIps | (isUpdateOnly ? NetlinkConstants.WgPeerFUpdateOnly : 0), flags);
                Assert.Contains(attributes, a => a.Type == NetlinkConstants.WgPeerAPersistentKeepaliveInterval);
            }
            else
            {
                Assert.Equal(isUpdateOnly ? NetlinkConstants.WgPeerFUpdateOnly : 0, flags);
                Assert.Equal([NetlinkConstants.WgPeerAPublicKey, NetlinkConstants.WgPeerAAllowedIps], attributes.Select(a => a.Type).Where(t => t != NetlinkConstants.WgPeerAFlags));
            }
        }

        // Read back the way the kernel's parts are read: coalescing adjacent parts gives every peer and every IP once, in order.
        var decoded = WireGuardNetlinkDecoder.DecodeDevice(parsed);
        Assert.Equal(peers.Select(p => p.PublicKey), decoded.Peers.Select(p => p.PublicKey));
        for (var i = 0; i < peers.Count; i++)
        {
            Assert.Equal(peers[i].AllowedIps, decoded.Peers[i].AllowedIps);
        }
    }

    [Fact]
    public void A_device_without_peers_is_one_message()
    {
        var messages = WireGuardNetlinkEncoder.SetDevice(Family, "wg0", new WgConfigPatch { ListenPort = 1 }, 1);

        Assert.Equal(Hex("24000000 1d00 0500 01000000 00000000", "01 01 0000", "0800 0200 77673000", "0600 0600 0100 0000"), Assert.Single(messages));
    }

    [Theory]
    [InlineData("")]
    [InlineData("an-interface-name-too-long")]
    public void Bad_interface_names_are_refused(string name) =>
        Assert.Throws<ArgumentException>(() => WireGuardNetlinkEncoder.GetDevice(Family, name, 1));

    [Fact]
    public void Out_of_range_keepalive_is_refused() =>
        Assert.Throws<ArgumentException>(() => WireGuardNetlinkEncoder.SetDevice(Family, "wg0", new WgConfigPatch { Peers = [new WgPeerPatch { PublicKey = WgKey(1), PersistentKeepaliveSeconds = 70000 }] }, 1));

    internal static byte[] Key(byte fill) => Enumerable.Repeat(fill, 32).ToArray();

    internal static WgKey WgKey(byte fill) => CloudWg.EdgeAgent.WireGuard.WgKey.FromBytes(Key(fill));

    internal static string Repeat(string hex, int count) => string.Concat(Enumerable.Repeat(hex, count));

    internal static byte[] Hex(params string[] parts) =>
        Convert.FromHexString(string.Concat(parts).Replace(" ", string.Empty, StringComparison.Ordinal));
}

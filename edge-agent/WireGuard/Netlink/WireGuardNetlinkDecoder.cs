using System.Buffers.Binary;
using System.Net;
using static CloudWg.EdgeAgent.WireGuard.Netlink.NetlinkConstants;

namespace CloudWg.EdgeAgent.WireGuard.Netlink;

/// <summary>
/// Turns the messages of a WG_CMD_GET_DEVICE dump into one <see cref="WgDevice"/>. The kernel may spread a
/// device over several messages: later messages repeat only the name and carry more peers, and a peer whose
/// allowed IPs did not fit is repeated (public key + allowed IPs) at the start of the next message; adjacent
/// parts of the same peer are coalesced here.
/// </summary>
internal static class WireGuardNetlinkDecoder
{
    public static WgDevice DecodeDevice(IEnumerable<NetlinkMessage> dump)
    {
        string? name = null;
        WgKey? privateKey = null;
        WgKey? publicKey = null;
        var listenPort = 0;
        var fwmark = 0;
        var peers = new List<WgPeer>();

        foreach (var message in dump)
        {
            switch (message.Type)
            {
                case NlmsgDone or NlmsgNoop:
                    continue;
                case NlmsgError:
                    throw new NetlinkException(-message.ErrorCode, "WG_CMD_GET_DEVICE");
            }

            if ((message.Flags & NlmFDumpIntr) != 0)
            {
                throw new NetlinkDumpInterruptedException();
            }

            foreach (var attribute in message.GenlAttributes())
            {
                switch (attribute.Type)
                {
                    case WgDeviceAIfname:
                        name = attribute.StringZ();
                        break;
                    case WgDeviceAPrivateKey:
                        privateKey = NonZero(attribute.Payload);
                        break;
                    case WgDeviceAPublicKey:
                        publicKey = NonZero(attribute.Payload);
                        break;
                    case WgDeviceAListenPort:
                        listenPort = attribute.U16();
                        break;
                    case WgDeviceAFwmark:
                        fwmark = (int)attribute.U32();
                        break;
                    case WgDeviceAPeers:
                        foreach (var peerAttribute in attribute.Children())
                        {
                            var peer = DecodePeer(peerAttribute.Children());
                            if (peers.Count > 0 && peers[^1].PublicKey == peer.PublicKey)
                            {
                                peers[^1] = peers[^1] with { AllowedIps = [.. peers[^1].AllowedIps, .. peer.AllowedIps] };
                            }
                            else
                            {
                                peers.Add(peer);
                            }
                        }

                        break;
                }
            }
        }

        return new WgDevice(name ?? throw new FormatException("The dump named no device."), privateKey, publicKey, listenPort, fwmark, peers);
    }

    private static WgPeer DecodePeer(List<NetlinkAttribute> attributes)
    {
        WgKey? publicKey = null;
        WgKey? presharedKey = null;
        IPEndPoint? endpoint = null;
        var keepalive = 0;
        DateTimeOffset? handshake = null;
        long rx = 0, tx = 0;
        var version = 0;
        var allowedIps = new List<IPNetwork>();
        foreach (var a in attributes)
        {
            switch (a.Type)
            {
                case WgPeerAPublicKey:
                    publicKey = WgKey.FromBytes(a.Payload.Span);
                    break;
                case WgPeerAPresharedKey:
                    presharedKey = NonZero(a.Payload);
                    break;
                case WgPeerAEndpoint:
                    endpoint = DecodeSockaddr(a.Payload.Span);
                    break;
                case WgPeerAPersistentKeepaliveInterval:
                    keepalive = a.U16();
                    break;
                case WgPeerALastHandshakeTime:
                    var seconds = BinaryPrimitives.ReadInt64LittleEndian(a.Payload.Span);
                    var nanoseconds = BinaryPrimitives.ReadInt64LittleEndian(a.Payload.Span[8..]);
                    handshake = seconds == 0 && nanoseconds == 0
                        ? null
                        : DateTimeOffset.FromUnixTimeSeconds(seconds).AddTicks(nanoseconds / 100);
                    break;
                case WgPeerARxBytes:
                    rx = (long)a.U64();
                    break;
                case WgPeerATxBytes:
                    tx = (long)a.U64();
                    break;
                case WgPeerAProtocolVersion:
                    version = (int)a.U32();
                    break;
                case WgPeerAAllowedIps:
                    foreach (var ip in a.Children())
                    {
                        allowedIps.Add(DecodeAllowedIp(ip.Children()));
                    }

                    break;
            }
        }

        return new WgPeer(publicKey ?? throw new FormatException("A peer without a public key."), presharedKey, endpoint, keepalive, handshake, rx, tx, allowedIps, version);
    }

    private static IPNetwork DecodeAllowedIp(List<NetlinkAttribute> attributes)
    {
        IPAddress? address = null;
        var cidr = -1;
        foreach (var a in attributes)
        {
            switch (a.Type)
            {
                case WgAllowedIpAIpaddr:
                    address = new IPAddress(a.Payload.Span);
                    break;
                case WgAllowedIpACidrMask:
                    cidr = a.U8();
                    break;
            }
        }

        if (address is null || cidr < 0)
        {
            throw new FormatException("An allowed IP without address or mask.");
        }

        return new IPNetwork(address, cidr);
    }

    public static IPEndPoint? DecodeSockaddr(ReadOnlySpan<byte> data)
    {
        if (data.Length < 2)
        {
            return null;
        }

        var family = BinaryPrimitives.ReadUInt16LittleEndian(data);
        var port = BinaryPrimitives.ReadUInt16BigEndian(data[2..]);
        return family switch
        {
            AfInet when data.Length >= 8 => new IPEndPoint(new IPAddress(data.Slice(4, 4)), port),
            AfInet6 when data.Length >= 28 => new IPEndPoint(new IPAddress(data.Slice(8, 16), BinaryPrimitives.ReadUInt32LittleEndian(data[24..])), port),
            _ => null,
        };
    }

    private static WgKey? NonZero(ReadOnlyMemory<byte> key) =>
        key.Length == WgKeyLength && key.Span.ContainsAnyExcept((byte)0) ? WgKey.FromBytes(key.Span) : null;
}

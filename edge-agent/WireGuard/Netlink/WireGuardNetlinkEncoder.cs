using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using static CloudWg.EdgeAgent.WireGuard.Netlink.NetlinkConstants;

namespace CloudWg.EdgeAgent.WireGuard.Netlink;

/// <summary>
/// Builds WireGuard generic netlink requests, attribute for attribute as include/uapi/linux/wireguard.h
/// documents and wg(8) sends them. Pure: no socket here.
/// </summary>
internal static class WireGuardNetlinkEncoder
{
    /// <summary>WG_CMD_GET_DEVICE must be a dump request naming the device.</summary>
    public static byte[] GetDevice(ushort familyId, string interfaceName, uint sequence)
    {
        ValidateName(interfaceName);
        var builder = new NetlinkMessageBuilder(DefaultMaxMessageSize, familyId, NlmFRequest | NlmFAck | NlmFDump, sequence, WgCmdGetDevice, WgGenlVersion);
        builder.TryPutStringZ(WgDeviceAIfname, interfaceName);
        return builder.ToArray();
    }

    /// <summary>CTRL_CMD_GETFAMILY for a family name, answered by the kernel's nlctrl family.</summary>
    public static byte[] GetFamily(string name, uint sequence)
    {
        var builder = new NetlinkMessageBuilder(DefaultMaxMessageSize, GenlIdCtrl, NlmFRequest | NlmFAck, sequence, CtrlCmdGetFamily, 1);
        if (!builder.TryPutStringZ(CtrlAttrFamilyName, name))
        {
            throw new ArgumentException("Family name too long.", nameof(name));
        }

        return builder.ToArray();
    }

    /// <summary>
    /// WG_CMD_SET_DEVICE, split into as many messages as needed to stay within <paramref name="maxMessageSize"/>,
    /// the way wg(8) does: device-level attributes (and REPLACE_PEERS) only in the first message; later
    /// messages carry the interface name and the peers that did not fit. A peer whose allowed IPs do not fit
    /// is closed and continued in the next message with only its public key, its REMOVE_ME/UPDATE_ONLY flags
    /// (UPDATE_ONLY must stay, or a continuation would create a peer the first part skipped) and the
    /// remaining allowed IPs, without REPLACE_ALLOWEDIPS so the first part is not wiped.
    /// </summary>
    public static List<byte[]> SetDevice(ushort familyId, string interfaceName, WgConfigPatch config, uint firstSequence, int maxMessageSize = DefaultMaxMessageSize)
    {
        ValidateName(interfaceName);
        Validate(config);
        var peers = config.Peers;
        var messages = new List<byte[]>();
        var sequence = firstSequence;
        var peerIndex = 0;
        int? ipIndex = null; // null: the current peer has not been started; else the next allowed IP to write.

        do
        {
            var b = new NetlinkMessageBuilder(maxMessageSize, familyId, NlmFRequest | NlmFAck, sequence++, WgCmdSetDevice, WgGenlVersion);
            var progressAt = (peerIndex, ipIndex);
            if (!b.TryPutStringZ(WgDeviceAIfname, interfaceName))
            {
                throw new ArgumentOutOfRangeException(nameof(maxMessageSize), "Message size too small for the interface name.");
            }

            if (messages.Count == 0 && !TryPutDevice(b, config))
            {
                throw new ArgumentOutOfRangeException(nameof(maxMessageSize), "Message size too small for the device attributes.");
            }

            if (peerIndex < peers.Count)
            {
                var peersNest = b.TryNestStart(WgDeviceAPeers);
                if (peersNest < 0)
                {
                    // Only the first message can be this full; the peers go in the next one.
                    messages.Add(b.ToArray());
                    continue;
                }

                WritePeers(b, peers, ref peerIndex, ref ipIndex);
                b.NestEnd(peersNest);
                if (messages.Count > 0 && progressAt == (peerIndex, ipIndex))
                {
                    throw new ArgumentOutOfRangeException(nameof(maxMessageSize), "Message size too small for a single peer.");
                }
            }

            messages.Add(b.ToArray());
        }
        while (peerIndex < peers.Count);

        return messages;
    }

    private static void WritePeers(NetlinkMessageBuilder b, IReadOnlyList<WgPeerPatch> peers, ref int peerIndex, ref int? ipIndex)
    {
        for (; peerIndex < peers.Count; peerIndex++)
        {
            var peer = peers[peerIndex];
            var peerNest = b.TryNestStart(0);
            if (peerNest < 0)
            {
                return;
            }

            if (!TryPutPeerHeader(b, peer, continuing: ipIndex is not null))
            {
                b.NestCancel(peerNest);
                return;
            }

            var ips = peer.AllowedIps ?? [];
            if (ips.Count > 0 && !peer.Remove)
            {
                ipIndex ??= 0;
                var ipsNest = b.TryNestStart(WgPeerAAllowedIps);
                if (ipsNest < 0)
                {
                    b.NestEnd(peerNest);
                    return;
                }

                for (; ipIndex < ips.Count; ipIndex++)
                {
                    var ipNest = b.TryNestStart(0);
                    if (ipNest < 0 || !TryPutAllowedIp(b, ips[ipIndex.Value]))
                    {
                        if (ipNest >= 0)
                        {
                            b.NestCancel(ipNest);
                        }

                        b.NestEnd(ipsNest);
                        b.NestEnd(peerNest);
                        return;
                    }

                    b.NestEnd(ipNest);
                }

                b.NestEnd(ipsNest);
            }

            b.NestEnd(peerNest);
            ipIndex = null;
        }
    }

    private static bool TryPutDevice(NetlinkMessageBuilder b, WgConfigPatch config)
    {
        if (config.PrivateKey is { } key && !b.TryPut(WgDeviceAPrivateKey, key.ToBytes()))
        {
            return false;
        }

        if (config.ListenPort is { } port && !b.TryPutU16(WgDeviceAListenPort, (ushort)port))
        {
            return false;
        }

        if (config.FirewallMark is { } mark && !b.TryPutU32(WgDeviceAFwmark, (uint)mark))
        {
            return false;
        }

        return !config.ReplacePeers || b.TryPutU32(WgDeviceAFlags, WgDeviceFReplacePeers);
    }

    private static bool TryPutPeerHeader(NetlinkMessageBuilder b, WgPeerPatch peer, bool continuing)
    {
        if (!b.TryPut(WgPeerAPublicKey, peer.PublicKey.ToBytes()))
        {
            return false;
        }

        var flags = 0u;
        if (peer.Remove)
        {
            flags |= WgPeerFRemoveMe;
        }

        if (peer.UpdateOnly)
        {
            flags |= WgPeerFUpdateOnly;
        }

        if (!continuing && !peer.Remove)
        {
            if (peer.ReplaceAllowedIps)
            {
                flags |= WgPeerFReplaceAllowedIps;
            }

            if (peer.PresharedKey is { } psk && !b.TryPut(WgPeerAPresharedKey, psk.ToBytes()))
            {
                return false;
            }

            if (peer.Endpoint is { } endpoint && !b.TryPut(WgPeerAEndpoint, EncodeSockaddr(endpoint)))
            {
                return false;
            }

            if (peer.PersistentKeepaliveSeconds is { } keepalive && !b.TryPutU16(WgPeerAPersistentKeepaliveInterval, (ushort)keepalive))
            {
                return false;
            }
        }

        return flags == 0 || b.TryPutU32(WgPeerAFlags, flags);
    }

    private static bool TryPutAllowedIp(NetlinkMessageBuilder b, IPNetwork network)
    {
        var address = network.BaseAddress;
        return b.TryPutU16(WgAllowedIpAFamily, address.AddressFamily == AddressFamily.InterNetwork ? AfInet : AfInet6)
            && b.TryPut(WgAllowedIpAIpaddr, address.GetAddressBytes())
            && b.TryPutU8(WgAllowedIpACidrMask, (byte)network.PrefixLength);
    }

    /// <summary>struct sockaddr_in (16 bytes) or sockaddr_in6 (28 bytes); family in host order, port in network order.</summary>
    public static byte[] EncodeSockaddr(IPEndPoint endpoint)
    {
        var v4 = endpoint.AddressFamily == AddressFamily.InterNetwork;
        var bytes = new byte[v4 ? 16 : 28];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, v4 ? AfInet : AfInet6);
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(2), (ushort)endpoint.Port);
        if (v4)
        {
            endpoint.Address.GetAddressBytes().CopyTo(bytes, 4);
        }
        else
        {
            endpoint.Address.GetAddressBytes().CopyTo(bytes, 8);
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(24), (uint)endpoint.Address.ScopeId);
        }

        return bytes;
    }

    private static void ValidateName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 15)
        {
            throw new ArgumentException($"Interface name '{name}' must be 1-15 characters.", nameof(name));
        }
    }

    private static void Validate(WgConfigPatch config)
    {
        if (config.ListenPort is < 0 or > 65535)
        {
            throw new ArgumentException("Listen port must be 0-65535.", nameof(config));
        }

        foreach (var peer in config.Peers)
        {
            if (peer.PersistentKeepaliveSeconds is < 0 or > 65535)
            {
                throw new ArgumentException("Persistent keepalive must be 0-65535 seconds.", nameof(config));
            }
        }
    }
}

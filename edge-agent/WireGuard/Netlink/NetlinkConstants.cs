namespace CloudWg.EdgeAgent.WireGuard.Netlink;

/// <summary>Values from linux/netlink.h, linux/genetlink.h and linux/wireguard.h (uapi).</summary>
internal static class NetlinkConstants
{
    public const int HeaderLength = 16;
    public const int GenlHeaderLength = 4;
    public const int AttributeHeaderLength = 4;

    public const ushort NlmsgNoop = 1;
    public const ushort NlmsgError = 2;
    public const ushort NlmsgDone = 3;

    public const ushort NlmFRequest = 0x1;
    public const ushort NlmFMulti = 0x2;
    public const ushort NlmFAck = 0x4;
    public const ushort NlmFDumpIntr = 0x10;
    public const ushort NlmFDump = 0x300;

    public const ushort NlaFNested = 0x8000;
    public const ushort NlaFNetByteorder = 0x4000;
    public const ushort NlaTypeMask = 0x3fff;

    public const ushort GenlIdCtrl = 0x10;
    public const byte CtrlCmdGetFamily = 3;
    public const ushort CtrlAttrFamilyId = 1;
    public const ushort CtrlAttrFamilyName = 2;
    public const ushort CtrlAttrVersion = 3;

    public const string WgGenlName = "wireguard";
    public const byte WgGenlVersion = 1;
    public const int WgKeyLength = 32;

    public const byte WgCmdGetDevice = 0;
    public const byte WgCmdSetDevice = 1;

    public const uint WgDeviceFReplacePeers = 1u << 0;

    public const ushort WgDeviceAIfindex = 1;
    public const ushort WgDeviceAIfname = 2;
    public const ushort WgDeviceAPrivateKey = 3;
    public const ushort WgDeviceAPublicKey = 4;
    public const ushort WgDeviceAFlags = 5;
    public const ushort WgDeviceAListenPort = 6;
    public const ushort WgDeviceAFwmark = 7;
    public const ushort WgDeviceAPeers = 8;

    public const uint WgPeerFRemoveMe = 1u << 0;
    public const uint WgPeerFReplaceAllowedIps = 1u << 1;
    public const uint WgPeerFUpdateOnly = 1u << 2;

    public const ushort WgPeerAPublicKey = 1;
    public const ushort WgPeerAPresharedKey = 2;
    public const ushort WgPeerAFlags = 3;
    public const ushort WgPeerAEndpoint = 4;
    public const ushort WgPeerAPersistentKeepaliveInterval = 5;
    public const ushort WgPeerALastHandshakeTime = 6;
    public const ushort WgPeerARxBytes = 7;
    public const ushort WgPeerATxBytes = 8;
    public const ushort WgPeerAAllowedIps = 9;
    public const ushort WgPeerAProtocolVersion = 10;

    public const ushort WgAllowedIpAFamily = 1;
    public const ushort WgAllowedIpAIpaddr = 2;
    public const ushort WgAllowedIpACidrMask = 3;

    public const ushort AfInet = 2;
    public const ushort AfInet6 = 10;

    /// <summary>
    /// What wg(8) uses per message (libmnl's MNL_SOCKET_BUFFER_SIZE: the page size, capped at 8 KiB); the
    /// kernel accepts more, but staying there is known to work everywhere.
    /// </summary>
    public const int DefaultMaxMessageSize = 4096;
}

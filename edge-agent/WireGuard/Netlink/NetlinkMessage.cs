using System.Buffers.Binary;

namespace CloudWg.EdgeAgent.WireGuard.Netlink;

/// <summary>One netlink message as received: header fields and the payload after nlmsghdr.</summary>
internal readonly record struct NetlinkMessage(ushort Type, ushort Flags, uint Sequence, uint PortId, ReadOnlyMemory<byte> Payload)
{
    /// <summary>Splits a datagram (which may carry several messages) into messages.</summary>
    public static List<NetlinkMessage> ParseAll(ReadOnlyMemory<byte> datagram)
    {
        var messages = new List<NetlinkMessage>();
        var offset = 0;
        while (datagram.Length - offset >= NetlinkConstants.HeaderLength)
        {
            var span = datagram.Span[offset..];
            var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(span);
            if (length < NetlinkConstants.HeaderLength || length > span.Length)
            {
                throw new FormatException($"Malformed netlink message: length {length} with {span.Length} bytes left.");
            }

            messages.Add(new NetlinkMessage(
                BinaryPrimitives.ReadUInt16LittleEndian(span[4..]),
                BinaryPrimitives.ReadUInt16LittleEndian(span[6..]),
                BinaryPrimitives.ReadUInt32LittleEndian(span[8..]),
                BinaryPrimitives.ReadUInt32LittleEndian(span[12..]),
                datagram.Slice(offset + NetlinkConstants.HeaderLength, length - NetlinkConstants.HeaderLength)));
            offset += NetlinkMessageBuilder.Align(length);
        }

        return messages;
    }

    /// <summary>For NLMSG_ERROR and NLMSG_DONE: the (negative errno or zero) code at the start of the payload.</summary>
    public int ErrorCode => Payload.Length >= 4 ? BinaryPrimitives.ReadInt32LittleEndian(Payload.Span) : 0;

    /// <summary>The attributes after the generic netlink header.</summary>
    public List<NetlinkAttribute> GenlAttributes() =>
        NetlinkAttribute.ParseAll(Payload[NetlinkConstants.GenlHeaderLength..]);
}

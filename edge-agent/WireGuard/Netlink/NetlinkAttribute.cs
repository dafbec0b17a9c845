using System.Buffers.Binary;
using System.Text;

namespace CloudWg.EdgeAgent.WireGuard.Netlink;

/// <summary>One attribute (type without the NESTED/BYTEORDER flags) and its payload.</summary>
internal readonly record struct NetlinkAttribute(ushort Type, bool Nested, ReadOnlyMemory<byte> Payload)
{
    public static List<NetlinkAttribute> ParseAll(ReadOnlyMemory<byte> data)
    {
        var attributes = new List<NetlinkAttribute>();
        var offset = 0;
        while (data.Length - offset >= NetlinkConstants.AttributeHeaderLength)
        {
            var span = data.Span[offset..];
            var length = BinaryPrimitives.ReadUInt16LittleEndian(span);
            var type = BinaryPrimitives.ReadUInt16LittleEndian(span[2..]);
            if (length < NetlinkConstants.AttributeHeaderLength || length > span.Length)
            {
                throw new FormatException($"Malformed netlink attribute: length {length} with {span.Length} bytes left.");
            }

            attributes.Add(new NetlinkAttribute(
                (ushort)(type & NetlinkConstants.NlaTypeMask),
                (type & NetlinkConstants.NlaFNested) != 0,
                data.Slice(offset + NetlinkConstants.AttributeHeaderLength, length - NetlinkConstants.AttributeHeaderLength)));
            offset += NetlinkMessageBuilder.Align(length);
        }

        return attributes;
    }

    public List<NetlinkAttribute> Children() => ParseAll(Payload);

    public byte U8() => Payload.Span[0];

    public ushort U16() => BinaryPrimitives.ReadUInt16LittleEndian(Payload.Span);

    public uint U32() => BinaryPrimitives.ReadUInt32LittleEndian(Payload.Span);

    public ulong U64() => BinaryPrimitives.ReadUInt64LittleEndian(Payload.Span);

    public string StringZ()
    {
        var span = Payload.Span;
        var end = span.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end >= 0 ? span[..end] : span);
    }
}

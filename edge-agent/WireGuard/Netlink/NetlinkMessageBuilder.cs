using System.Buffers.Binary;
using System.Text;

namespace CloudWg.EdgeAgent.WireGuard.Netlink;

/// <summary>
/// Writes one netlink message (nlmsghdr + genlmsghdr + attributes) into a buffer of fixed capacity, like
/// libmnl's <c>*_check</c> helpers: a write that would not fit returns false and leaves the message as it was.
/// </summary>
internal sealed class NetlinkMessageBuilder
{
    private readonly byte[] _buffer;

    public NetlinkMessageBuilder(int capacity, ushort type, ushort flags, uint sequence, byte command, byte version)
    {
        _buffer = new byte[capacity];
        Length = NetlinkConstants.HeaderLength + NetlinkConstants.GenlHeaderLength;
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer.AsSpan(4), type);
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer.AsSpan(6), flags);
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(8), sequence);
        _buffer[16] = command;
        _buffer[17] = version;
    }

    public int Length { get; private set; }

    public static int Align(int length) => (length + 3) & ~3;

    public bool TryPut(ushort type, ReadOnlySpan<byte> payload)
    {
        var total = Align(NetlinkConstants.AttributeHeaderLength + payload.Length);
        if (Length + total > _buffer.Length)
        {
            return false;
        }

        BinaryPrimitives.WriteUInt16LittleEndian(_buffer.AsSpan(Length), (ushort)(NetlinkConstants.AttributeHeaderLength + payload.Length));
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer.AsSpan(Length + 2), type);
        payload.CopyTo(_buffer.AsSpan(Length + NetlinkConstants.AttributeHeaderLength));
        _buffer.AsSpan(Length + NetlinkConstants.AttributeHeaderLength + payload.Length, total - NetlinkConstants.AttributeHeaderLength - payload.Length).Clear();
        Length += total;
        return true;
    }

    public bool TryPutU8(ushort type, byte value) => TryPut(type, [value]);

    public bool TryPutU16(ushort type, ushort value)
    {
        Span<byte> bytes = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, value);
        return TryPut(type, bytes);
    }

    public bool TryPutU32(ushort type, uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        return TryPut(type, bytes);
    }

    public bool TryPutStringZ(ushort type, string value)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(value) + 1];
        Encoding.UTF8.GetBytes(value, bytes);
        return TryPut(type, bytes);
    }

    /// <summary>Opens a nested attribute (NLA_F_NESTED set); returns its offset, or -1 if even its header does not fit.</summary>
    public int TryNestStart(ushort type)
    {
        if (Length + NetlinkConstants.AttributeHeaderLength > _buffer.Length)
        {
            return -1;
        }

        var start = Length;
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer.AsSpan(start + 2), (ushort)(type | NetlinkConstants.NlaFNested));
        Length += NetlinkConstants.AttributeHeaderLength;
        return start;
    }

    public void NestEnd(int start) =>
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer.AsSpan(start), (ushort)(Length - start));

    /// <summary>Drops a nest and everything written into it.</summary>
    public void NestCancel(int start) => Length = start;

    public byte[] ToArray()
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer, (uint)Length);
        return _buffer.AsSpan(0, Length).ToArray();
    }
}

using System.Net;
using System.Net.Sockets;

namespace CloudWg.EdgeAgent.Nftables;

/// <summary>An address prefix as an inclusive integer interval, so prefixes, ranges and single addresses compare alike.</summary>
internal readonly record struct IpPrefix(bool IsV6, UInt128 First, UInt128 Last)
{
    public static IpPrefix Parse(string cidr)
    {
        if (!IPNetwork.TryParse(cidr, out var network))
        {
            if (IPAddress.TryParse(cidr, out var single))
            {
                network = new IPNetwork(single, single.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
            }
            else
            {
                throw new FormatException($"'{cidr}' is not an IP address or CIDR.");
            }
        }

        var isV6 = network.BaseAddress.AddressFamily == AddressFamily.InterNetworkV6;
        var bits = isV6 ? 128 : 32;
        var first = ToInteger(network.BaseAddress);
        var hostBits = bits - network.PrefixLength;
        var last = hostBits == 128 ? UInt128.MaxValue : first | ((UInt128.One << hostBits) - 1);
        return new IpPrefix(isV6, first, last);
    }

    public static IpPrefix FromAddress(IPAddress address)
    {
        var value = ToInteger(address);
        return new IpPrefix(address.AddressFamily == AddressFamily.InterNetworkV6, value, value);
    }

    public static UInt128 ToInteger(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        var value = UInt128.Zero;
        foreach (var b in bytes)
        {
            value = (value << 8) | b;
        }

        return value;
    }

    public static IPAddress ToAddress(UInt128 value, bool isV6)
    {
        var length = isV6 ? 16 : 4;
        var bytes = new byte[length];
        for (var i = length - 1; i >= 0; i--)
        {
            bytes[i] = (byte)(value & 0xff);
            value >>= 8;
        }

        return new IPAddress(bytes);
    }

    /// <summary>The prefix length if this interval is exactly one CIDR block, else -1.</summary>
    public int PrefixLength
    {
        get
        {
            var size = Last - First;
            if (size == UInt128.MaxValue)
            {
                return First == 0 ? 0 : -1;
            }

            size += 1;
            if (!UInt128.IsPow2(size) || (First & (size - 1)) != 0)
            {
                return -1;
            }

            var bits = IsV6 ? 128 : 32;
            return bits - (int)UInt128.Log2(size);
        }
    }

    public bool Contains(IpPrefix other) => IsV6 == other.IsV6 && First <= other.First && other.Last <= Last;

    public override string ToString()
    {
        var first = ToAddress(First, IsV6).ToString();
        var length = PrefixLength;
        var bits = IsV6 ? 128 : 32;
        return length == bits ? first : length >= 0 ? $"{first}/{length}" : $"{first}-{ToAddress(Last, IsV6)}";
    }

    /// <summary>Sorts and merges overlapping or adjacent intervals (what nft does to anonymous interval sets).</summary>
    public static List<IpPrefix> Merge(IEnumerable<IpPrefix> prefixes)
    {
        var sorted = prefixes.OrderBy(p => p.IsV6).ThenBy(p => p.First).ToList();
        var merged = new List<IpPrefix>();
        foreach (var p in sorted)
        {
            if (merged.Count > 0)
            {
                var last = merged[^1];
                if (last.IsV6 == p.IsV6 && (last.Last == UInt128.MaxValue || p.First <= last.Last + 1))
                {
                    merged[^1] = last with { Last = BigMax(last.Last, p.Last) };
                    continue;
                }
            }

            merged.Add(p);
        }

        return merged;
    }

    private static UInt128 BigMax(UInt128 a, UInt128 b) => a > b ? a : b;
}

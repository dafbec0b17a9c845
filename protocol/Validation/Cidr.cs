using System.Net;
using System.Net.Sockets;

namespace CloudWg.Protocol.Validation;

/// <summary>
/// CIDR helpers. "Canonical" means exactly one spelling per network: the host bits are zero and the text is what
/// .NET prints for it (no leading zeros, IPv4 in dotted quad, IPv6 compressed in lower case), e.g. <c>10.44.0.0/24</c>,
/// <c>fd00:44::/64</c>, <c>10.44.0.7/32</c>.
/// </summary>
public static class Cidr
{
    /// <summary>Parses a canonical network such as <c>10.44.0.0/24</c>.</summary>
    public static bool TryParseCanonical(string? text, out IPNetwork network) => Check(text, out network) is null;

    /// <summary>Parses a canonical network, or says what is wrong with <paramref name="text"/> (and the fix, if any).</summary>
    /// <returns>Null when valid, else a sentence fragment such as "has host bits set; use 10.44.0.0/24".</returns>
    public static string? Check(string? text, out IPNetwork network)
    {
        network = default;
        if (!TrySplit(text, out var address, out var prefix))
        {
            return "must be a CIDR such as 10.44.0.0/24 or fd00::/64";
        }

        var canonicalAddress = Mask(address, prefix);
        network = new IPNetwork(canonicalAddress, prefix);
        var canonical = network.ToString();
        if (!canonicalAddress.Equals(address))
        {
            return $"has host bits set; use {canonical}";
        }

        return string.Equals(canonical, text, StringComparison.Ordinal) ? null : $"is not in canonical form; write {canonical}";
    }

    /// <summary>
    /// Parses an interface address in CIDR form such as <c>10.44.0.1/24</c> (host bits allowed, they are the address)
    /// whose address text is canonical.
    /// </summary>
    public static bool TryParseInterfaceAddress(string? text, out IPAddress address, out int prefixLength)
    {
        if (!TrySplit(text, out address, out prefixLength))
        {
            return false;
        }

        return string.Equals($"{address}/{prefixLength}", text, StringComparison.Ordinal);
    }

    /// <summary>The network an interface address belongs to: <c>10.44.0.1/24</c> → <c>10.44.0.0/24</c>.</summary>
    public static IPNetwork NetworkOf(IPAddress address, int prefixLength) => new(Mask(address, prefixLength), prefixLength);

    /// <summary>True when the two networks share at least one address.</summary>
    public static bool Overlaps(IPNetwork a, IPNetwork b) =>
        a.BaseAddress.AddressFamily == b.BaseAddress.AddressFamily
        && (a.Contains(b.BaseAddress) || b.Contains(a.BaseAddress));

    /// <summary>First and last address of <paramref name="network"/> as 128-bit integers (IPv4 in the low 32 bits).</summary>
    public static (UInt128 First, UInt128 Last) Range(IPNetwork network)
    {
        var bits = network.BaseAddress.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        var first = ToInteger(network.BaseAddress);
        var hostBits = bits - network.PrefixLength;
        var size = hostBits == 128 ? UInt128.MaxValue : (UInt128.One << hostBits) - 1;
        return (first, first + size);
    }

    private static bool TrySplit(string? text, out IPAddress address, out int prefixLength)
    {
        address = IPAddress.None;
        prefixLength = -1;
        if (string.IsNullOrEmpty(text) || text.Length > 64)
        {
            return false;
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == text.Length - 1)
        {
            return false;
        }

        var prefixText = text.AsSpan(slash + 1);
        foreach (var c in prefixText)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        if (prefixText.Length > 3 || !int.TryParse(prefixText, out prefixLength))
        {
            return false;
        }

        var addressText = text.AsSpan(0, slash);
        if (addressText.Contains('%') || !IPAddress.TryParse(addressText, out var parsed))
        {
            return false;
        }

        // IPAddress.TryParse accepts "10.1" and "0x0a.0.0.1"; only a real dotted quad or an IPv6 literal counts.
        if (parsed.AddressFamily == AddressFamily.InterNetwork && addressText.Count('.') != 3)
        {
            return false;
        }

        var maxPrefix = parsed.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        if (prefixLength > maxPrefix)
        {
            return false;
        }

        address = parsed;
        return true;
    }

    private static IPAddress Mask(IPAddress address, int prefixLength)
    {
        var bytes = address.GetAddressBytes();
        for (var i = 0; i < bytes.Length; i++)
        {
            var keep = Math.Clamp(prefixLength - (i * 8), 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - keep));
        }

        return new IPAddress(bytes);
    }

    internal static UInt128 ToInteger(IPAddress address)
    {
        UInt128 value = 0;
        foreach (var b in address.GetAddressBytes())
        {
            value = (value << 8) | b;
        }

        return value;
    }
}

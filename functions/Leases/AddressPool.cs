using System.Net;
using System.Net.Sockets;

namespace CloudWg.Functions.Leases;

/// <summary>
/// The addresses of one node network that peers may get: never the network address, never the node's own
/// address (the first one) and, for IPv4, never the broadcast address.
/// </summary>
public sealed class AddressPool
{
    public AddressPool(IPNetwork network)
    {
        Network = network;
        Family = network.BaseAddress.AddressFamily;
        var bits = Family == AddressFamily.InterNetwork ? 32 : 128;
        var size = UInt128.One << (bits - network.PrefixLength);
        var baseNumber = ToNumber(network.BaseAddress);
        Base = baseNumber;
        First = 2;
        Last = Family == AddressFamily.InterNetwork ? size - 2 : size - 1;
        NodeAddress = FromNumber(baseNumber + 1);
    }

    public IPNetwork Network { get; }

    public AddressFamily Family { get; }

    /// <summary>The node's own tunnel address: the first address of the network.</summary>
    public IPAddress NodeAddress { get; }

    /// <summary>First and last offsets (from the network address) a peer may get; empty when First &gt; Last.</summary>
    public UInt128 First { get; }

    public UInt128 Last { get; }

    public UInt128 Count => Last >= First ? Last - First + 1 : 0;

    public string Prefix => Family == AddressFamily.InterNetwork ? "v4." : "v6.";

    public string HostPrefixLength => Family == AddressFamily.InterNetwork ? "/32" : "/128";

    private UInt128 Base { get; }

    /// <summary>The node's address with the network's prefix length, e.g. <c>10.44.0.1/24</c>.</summary>
    public string NodeInterfaceAddress => $"{NodeAddress}/{Network.PrefixLength}";

    public static AddressPool Parse(string canonicalCidr) => new(IPNetwork.Parse(canonicalCidr));

    public IPAddress At(UInt128 offset) => FromNumber(Base + offset);

    /// <summary>The offset of <paramref name="address"/> when a peer may have it, else null (outside, or reserved).</summary>
    public UInt128? OffsetOf(IPAddress address)
    {
        if (address.AddressFamily != Family || !Network.Contains(address))
        {
            return null;
        }

        var offset = ToNumber(address) - Base;
        return offset >= First && offset <= Last ? offset : null;
    }

    private static UInt128 ToNumber(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        UInt128 value = 0;
        foreach (var b in bytes)
        {
            value = (value << 8) | b;
        }

        return value;
    }

    private IPAddress FromNumber(UInt128 value)
    {
        var bytes = new byte[Family == AddressFamily.InterNetwork ? 4 : 16];
        for (var i = bytes.Length - 1; i >= 0; i--)
        {
            bytes[i] = (byte)(value & 0xff);
            value >>= 8;
        }

        return new IPAddress(bytes);
    }
}

using System.Net;
using CloudWg.Functions.Leases;

namespace CloudWg.Functions.Tests.Leases;

public sealed class AddressPoolTests
{
    [Theory]
    [InlineData("10.44.0.0/24", "10.44.0.1", "10.44.0.2", "10.44.0.254", 253)]
    [InlineData("10.44.0.0/30", "10.44.0.1", "10.44.0.2", "10.44.0.2", 1)]
    [InlineData("fd00:44::/64", "fd00:44::1", "fd00:44::2", "fd00:44::ffff:ffff:ffff:ffff", 18446744073709551614)]
    [InlineData("fd00::/126", "fd00::1", "fd00::2", "fd00::3", 2)]
    public void Peers_get_everything_but_the_network_the_node_and_the_ipv4_broadcast(string network, string node, string first, string last, ulong count)
    {
        var pool = AddressPool.Parse(network);
        Assert.Equal(IPAddress.Parse(node), pool.NodeAddress);
        Assert.Equal(IPAddress.Parse(first), pool.At(pool.First));
        Assert.Equal(IPAddress.Parse(last), pool.At(pool.Last));
        Assert.Equal((UInt128)count, pool.Count);
        Assert.Null(pool.OffsetOf(IPNetwork.Parse(network).BaseAddress));
        Assert.Null(pool.OffsetOf(IPAddress.Parse(node)));
        Assert.NotNull(pool.OffsetOf(IPAddress.Parse(first)));
    }

    [Fact]
    public void Addresses_outside_the_network_or_of_the_other_family_are_not_assignable()
    {
        var pool = AddressPool.Parse("10.44.0.0/24");
        Assert.Null(pool.OffsetOf(IPAddress.Parse("10.44.0.255")));
        Assert.Null(pool.OffsetOf(IPAddress.Parse("10.44.1.2")));
        Assert.Null(pool.OffsetOf(IPAddress.Parse("::ffff:10.44.0.2")));
        Assert.Equal("10.44.0.1/24", pool.NodeInterfaceAddress);
    }
}

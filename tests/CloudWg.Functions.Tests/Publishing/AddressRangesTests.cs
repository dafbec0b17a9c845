using System.Net;
using CloudWg.Functions.Publishing;

namespace CloudWg.Functions.Tests.Publishing;

public sealed class AddressRangesTests
{
    [Theory]
    [InlineData("10.0.0.0/24", true)]
    [InlineData("10.0.1.0/24", true)]
    [InlineData("9.255.255.255/32", true)]
    [InlineData("10.0.2.0/24", false)]
    [InlineData("10.0.2.7/32", false)]
    [InlineData("10.0.0.0/8", false)]
    [InlineData("10.0.2.255/32", false)]
    [InlineData("10.0.3.0/32", true)]
    [InlineData("fd00::/64", true)]
    public void A_new_range_is_added_only_when_it_overlaps_nothing(string cidr, bool added)
    {
        var ranges = new AddressRanges();
        Assert.True(ranges.TryAddAll([IPNetwork.Parse("10.0.2.0/24")]));
        Assert.Equal(added, ranges.TryAddAll([IPNetwork.Parse(cidr)]));
    }

    [Fact]
    public void A_peer_is_all_or_nothing()
    {
        var ranges = new AddressRanges();
        Assert.True(ranges.TryAddAll([IPNetwork.Parse("10.0.0.2/32")]));
        Assert.False(ranges.TryAddAll([IPNetwork.Parse("10.0.0.3/32"), IPNetwork.Parse("10.0.0.0/30")]));
        Assert.True(ranges.TryAddAll([IPNetwork.Parse("10.0.0.3/32")]), "the failed peer's first range was rolled back");
        Assert.False(ranges.TryAddAll([IPNetwork.Parse("10.0.0.8/32"), IPNetwork.Parse("10.0.0.8/32")]), "a peer overlapping itself is refused");
    }
}

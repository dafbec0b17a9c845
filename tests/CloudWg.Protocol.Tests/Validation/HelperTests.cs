using System.Net;
using CloudWg.Protocol.Validation;
using CsCheck;

namespace CloudWg.Protocol.Tests.Validation;

/// <summary>The public helpers the control plane reuses for HTTP validation.</summary>
public sealed class HelperTests
{
    [Theory]
    [InlineData("AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=", true)]
    [InlineData("yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=", true)]
    [InlineData("yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk", false)]
    [InlineData("yAnz5TF-lXXJte14tji3zlMNq-hd2rYUIgJBgB3fBmk=", false)]
    [InlineData("AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQF=", false)]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==", false)]
    [InlineData(" AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void WireGuardKey_accepts_only_canonical_base64_of_32_bytes(string? key, bool valid)
    {
        Assert.Equal(valid, WireGuardKey.IsValid(key));
    }

    [Fact]
    public void WireGuardKey_accepts_every_32_byte_value_in_canonical_form_and_decodes_it()
    {
        Gen.Byte.Array[32].Sample(bytes =>
        {
            var key = Convert.ToBase64String(bytes);
            Assert.True(WireGuardKey.TryDecode(key, out var decoded));
            Assert.Equal(bytes, decoded);
        }, iter: 500);
    }

    [Theory]
    [InlineData("10.44.0.0/24", true)]
    [InlineData("10.44.0.7/32", true)]
    [InlineData("0.0.0.0/0", true)]
    [InlineData("::/0", true)]
    [InlineData("fd00:44::/64", true)]
    [InlineData("fd00:44::7/128", true)]
    [InlineData("10.44.0.1/24", false)]
    [InlineData("10.44.0.0", false)]
    [InlineData("10.44.0.0/", false)]
    [InlineData("10.44.0.0/33", false)]
    [InlineData("10.44.0.0/+24", false)]
    [InlineData("10.44.0.0/024", false)]
    [InlineData("010.44.0.0/24", false)]
    [InlineData("10.44/16", false)]
    [InlineData("FD00:44::/64", false)]
    [InlineData("fd00:0044::/64", false)]
    [InlineData("fd00:44::/129", false)]
    [InlineData("fe80::%eth0/64", false)]
    [InlineData(" 10.44.0.0/24", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Cidr_TryParseCanonical(string? text, bool valid)
    {
        Assert.Equal(valid, Cidr.TryParseCanonical(text, out _));
    }

    [Fact]
    public void Cidr_check_says_how_to_fix_it()
    {
        Assert.Equal("has host bits set; use 10.44.0.0/24", Cidr.Check("10.44.0.9/24", out _));
        Assert.Equal("is not in canonical form; write fd00:44::/64", Cidr.Check("FD00:44:0::/64", out _));
        Assert.Null(Cidr.Check("10.44.0.0/24", out var network));
        Assert.Equal(IPNetwork.Parse("10.44.0.0/24"), network);
    }

    [Fact]
    public void Cidr_overlap_agrees_with_a_brute_force_address_check()
    {
        var small = Gen.Select(Gen.Int[0, 255], Gen.Int[24, 32], (last, prefix) => Cidr.NetworkOf(new IPAddress([10, 0, 0, (byte)last]), prefix));
        Gen.Select(small, small).Sample((a, b) =>
        {
            var (af, al) = Cidr.Range(a);
            var (bf, bl) = Cidr.Range(b);
            var bruteForce = Enumerable.Range(0, 256).Any(i => a.Contains(new IPAddress([10, 0, 0, (byte)i])) && b.Contains(new IPAddress([10, 0, 0, (byte)i])));
            Assert.Equal(bruteForce, Cidr.Overlaps(a, b));
            Assert.Equal(bruteForce, af <= bl && bf <= al);
        }, iter: 500);
    }

    [Fact]
    public void Cidr_interface_addresses_keep_their_host_bits()
    {
        Assert.True(Cidr.TryParseInterfaceAddress("10.44.0.1/24", out var address, out var prefix));
        Assert.Equal((IPAddress.Parse("10.44.0.1"), 24), (address, prefix));
        Assert.Equal(IPNetwork.Parse("10.44.0.0/24"), Cidr.NetworkOf(address, prefix));
        Assert.False(Cidr.TryParseInterfaceAddress("10.44.0.1", out _, out _));
        Assert.False(Cidr.TryParseInterfaceAddress("fd00:44:0::1/64", out _, out _));
    }

    [Theory]
    [InlineData("example.com", true)]
    [InlineData("app.example.com", true)]
    [InlineData("*.example.com", true)]
    [InlineData("xn--bcher-kva.example", true)]
    [InlineData("a-b.c-d.example", true)]
    [InlineData("App.Example.COM", true)]
    [InlineData("localhost", false)]
    [InlineData("*.com", false)]
    [InlineData("*", false)]
    [InlineData("a.*.example.com", false)]
    [InlineData("*.*.example.com", false)]
    [InlineData("a*.example.com", false)]
    [InlineData("-a.example.com", false)]
    [InlineData("a-.example.com", false)]
    [InlineData("a..example.com", false)]
    [InlineData("example.com.", false)]
    [InlineData(".example.com", false)]
    [InlineData("bücher.example", false)]
    [InlineData("a_b.example.com", false)]
    [InlineData("10.0.0.1", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void HostNames_IsValidSni(string? name, bool valid)
    {
        Assert.Equal(valid, HostNames.IsValidSni(name));
    }

    [Fact]
    public void HostNames_length_limits()
    {
        var label63 = new string('a', 63);
        Assert.True(HostNames.IsValidSni(label63 + ".example.com"));
        Assert.False(HostNames.IsValidSni(label63 + "a.example.com"));
        var name253 = string.Join('.', Enumerable.Repeat(label63, 3)) + "." + new string('b', 61);
        Assert.Equal(253, name253.Length);
        Assert.True(HostNames.IsValidSni(name253));
        Assert.False(HostNames.IsValidSni(name253 + "b"));
    }

    [Theory]
    [InlineData("vps-1", true)]
    [InlineData("vps-1.example.com", true)]
    [InlineData("*.example.com", false)]
    [InlineData("vps_1", false)]
    [InlineData("", false)]
    public void HostNames_IsValidHostName(string name, bool valid)
    {
        Assert.Equal(valid, HostNames.IsValidHostName(name));
    }

    [Theory]
    [InlineData("1", 1, 1)]
    [InlineData("443", 443, 443)]
    [InlineData("65535", 65535, 65535)]
    [InlineData("8000-8100", 8000, 8100)]
    [InlineData("80-80", 80, 80)]
    public void PortRange_parses(string text, int low, int high)
    {
        Assert.True(PortRange.TryParse(text, out var range));
        Assert.Equal(new PortRange(low, high), range);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("65536")]
    [InlineData("-1")]
    [InlineData("+80")]
    [InlineData("080")]
    [InlineData("8100-8000")]
    [InlineData("80-")]
    [InlineData("-80")]
    [InlineData("80-90-100")]
    [InlineData(" 80")]
    [InlineData("http")]
    [InlineData("")]
    [InlineData(null)]
    public void PortRange_rejects(string? text)
    {
        Assert.False(PortRange.TryParse(text, out _));
    }

    [Fact]
    public void PortRange_prints_canonically_and_detects_overlap()
    {
        Assert.Equal("443", new PortRange(443, 443).ToString());
        Assert.Equal("8000-8100", new PortRange(8000, 8100).ToString());
        Assert.True(new PortRange(8000, 8100).Overlaps(new PortRange(8100, 8200)));
        Assert.False(new PortRange(8000, 8100).Overlaps(new PortRange(8101, 8200)));
        Assert.True(PortRange.IsValidPort(1));
        Assert.False(PortRange.IsValidPort(0));
        Assert.False(PortRange.IsValidPort(65536));
    }

    [Theory]
    [InlineData("10.44.0.7:443", true)]
    [InlineData("[fd00::7]:443", true)]
    [InlineData("fd00::7:443", false)]
    [InlineData("[10.44.0.7]:443", false)]
    [InlineData("10.44.0.7", false)]
    [InlineData("10.44.0.7:0", false)]
    [InlineData("10.44.0.7:65536", false)]
    [InlineData("host:443", false)]
    [InlineData("[FD00::7]:443", false)]
    public void HostPort_TryParseEndpoint(string text, bool valid)
    {
        Assert.Equal(valid, HostPort.TryParseEndpoint(text, out _));
    }

    [Theory]
    [InlineData(":443", true)]
    [InlineData("0.0.0.0:443", true)]
    [InlineData("[::]:8443", true)]
    [InlineData(":", false)]
    [InlineData("443", false)]
    [InlineData(":0", false)]
    public void HostPort_TryParseListen(string text, bool valid)
    {
        Assert.Equal(valid, HostPort.TryParseListen(text, out _, out _));
    }

    [Theory]
    [InlineData("wg0", true)]
    [InlineData("cloudwg-fra_1", true)]
    [InlineData("a=b+c.d", true)]
    [InlineData("123456789012345", true)]
    [InlineData("1234567890123456", false)]
    [InlineData(".", false)]
    [InlineData("..", false)]
    [InlineData("wg 0", false)]
    [InlineData("wg/0", false)]
    [InlineData("wg:0", false)]
    [InlineData("", false)]
    public void InterfaceNames_IsValid(string name, bool valid)
    {
        Assert.Equal(valid, InterfaceNames.IsValid(name));
    }

    [Fact]
    public void Overlap_detection_agrees_with_pairwise_checks_on_random_peer_sets()
    {
        var cidr = Gen.Select(Gen.Int[0, 3], Gen.Int[0, 255], Gen.Int[22, 32], (third, fourth, prefix) =>
            Cidr.NetworkOf(new IPAddress([10, 44, (byte)third, (byte)fourth]), prefix).ToString());
        cidr.Array[1, 3].Array[1, 6].Sample(allowed =>
        {
            var state = TestData.Golden() with
            {
                WireGuard = TestData.Golden().WireGuard with
                {
                    Peers = allowed.Select((ips, i) => new DesiredStates.PeerSpec(TestData.Key((byte)(i + 10)), null, ips, null)).ToArray(),
                },
            };
            var flat = allowed.SelectMany(ips => ips).Select(c => IPNetwork.Parse(c)).ToArray();
            var expected = flat.SelectMany((a, i) => flat.Skip(i + 1).Select(b => Cidr.Overlaps(a, b))).Any(o => o);

            var errors = DesiredStateValidator.Validate(state).Where(e => e.Path.Contains("allowedIps", StringComparison.Ordinal)).ToArray();

            Assert.Equal(expected, errors.Length > 0);
            Assert.All(errors, e => Assert.Contains("overlaps", e.Message, StringComparison.Ordinal));
        }, iter: 500);
    }
}

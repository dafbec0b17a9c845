using CloudWg.EdgeAgent.WireGuard.Netlink;

namespace CloudWg.EdgeAgent.Tests.Netlink;

/// <summary>Family resolution against the running kernel (no root needed: CTRL_CMD_GETFAMILY is unprivileged).</summary>
public sealed class GenericNetlinkFamilyTests
{
    [Fact]
    public void Nlctrl_resolves_to_its_fixed_id()
    {
        using var socket = new GenericNetlinkSocket(TimeSpan.FromSeconds(30));

        Assert.Equal(NetlinkConstants.GenlIdCtrl, GenericNetlinkFamily.Resolve(socket, "nlctrl"));
    }

    [Fact]
    public void An_unknown_family_is_reported_as_absent()
    {
        using var socket = new GenericNetlinkSocket(TimeSpan.FromSeconds(30));

        Assert.Null(GenericNetlinkFamily.Resolve(socket, "cloudwg-none"));
    }

    [Fact]
    public void Opening_the_wireguard_client_reports_clearly_whether_the_kernel_has_wireguard()
    {
        var available = NetlinkWireGuardClient.TryOpen(out var client, out var reason);
        using (client)
        {
            // Resolving the family autoloads the module when it exists, so afterwards /sys/module tells the truth.
            Assert.Equal(Directory.Exists("/sys/module/wireguard"), available);
            if (available)
            {
                Assert.NotNull(client);
                Assert.StartsWith("kernel WireGuard (generic netlink family id", reason, StringComparison.Ordinal);
            }
            else
            {
                Assert.Null(client);
                Assert.Contains("kernel WireGuard is not available", reason, StringComparison.Ordinal);
            }
        }
    }
}

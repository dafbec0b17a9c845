using CloudWg.EdgeAgent.Routing;
using CloudWg.EdgeAgent.State;
using CloudWg.EdgeAgent.Tests.Fixtures;
using CloudWg.Protocol.DesiredStates;

namespace CloudWg.EdgeAgent.Tests.Routing;

/// <summary>Forwarding is the agent's: on when the desired state needs it, put back as found when it no longer does.</summary>
public sealed class ForwardingDriverTests : IDisposable
{
    private readonly TempDirectory dir = new();
    private readonly FakeSysctl sysctl = new() { [ForwardingDriver.Ipv4] = "0", [ForwardingDriver.Ipv6] = "0" };
    private readonly AgentStateStore store;
    private readonly ForwardingDriver driver;

    public ForwardingDriverTests()
    {
        store = AgentStateStore.Open(dir.Path);
        driver = new ForwardingDriver(sysctl, store);
    }

    public void Dispose()
    {
        dir.Dispose();
    }

    private static DesiredState State(bool egress, FirewallAction forward = FirewallAction.Drop, bool ipv6 = false, params FirewallRuleSpec[] rules)
    {
        var state = TestStates.Node("n1", 1, "cloudwg0", []);
        return state with
        {
            WireGuard = state.WireGuard with { Addresses = ipv6 ? ["10.99.0.1/24", "fd00:99::1/64"] : ["10.99.0.1/24"] },
            Firewall = new FirewallSpec(new FirewallPolicies(FirewallAction.Accept, forward, FirewallAction.Accept), rules),
            Routing = new RoutingSpec(egress, null),
        };
    }

    [Theory]
    [InlineData(false, FirewallAction.Drop, false)]
    [InlineData(true, FirewallAction.Drop, true)]
    [InlineData(false, FirewallAction.Accept, true)]
    [InlineData(false, FirewallAction.Reject, false)]
    public void The_plan_follows_egress_and_what_the_firewall_lets_through(bool egress, FirewallAction forward, bool needed)
    {
        Assert.Equal((needed, false), ForwardingPlan.For(State(egress, forward)));
        Assert.Equal((needed, needed), ForwardingPlan.For(State(egress, forward, ipv6: true)));
        var allowPeers = new FirewallRuleSpec("p2p", FirewallDirection.Forward, FirewallProtocol.Icmp, [], [], [], FirewallAction.Accept, 1, null);
        var dropOut = new FirewallRuleSpec("no", FirewallDirection.Egress, FirewallProtocol.Any, [], [], [], FirewallAction.Drop, 1, null);
        Assert.True(ForwardingPlan.For(State(false, FirewallAction.Drop, false, allowPeers)).Ipv4);
        Assert.Equal(needed, ForwardingPlan.For(State(egress, forward, false, dropOut)).Ipv4);
        Assert.False(ForwardingPlan.For(State(false) with { Routing = null }).Ipv4);
    }

    [Fact]
    public async Task Turns_forwarding_on_when_needed_and_puts_back_what_it_found()
    {
        var on = await driver.ReconcileAsync(State(egress: true, ipv6: true), TestContext.Current.CancellationToken);

        Assert.True(on.Succeeded, on.Error);
        Assert.Equal("1", sysctl[ForwardingDriver.Ipv4]);
        Assert.Equal("1", sysctl[ForwardingDriver.Ipv6]);
        Assert.Equal(2, on.Changes.Count);
        Assert.Empty((await driver.ReconcileAsync(State(egress: true, ipv6: true), TestContext.Current.CancellationToken)).Changes);

        // Someone turns it off behind the agent's back: repaired, and the value found first is still the one kept.
        sysctl[ForwardingDriver.Ipv4] = "0";
        var repaired = await driver.ReconcileAsync(State(egress: true, ipv6: true), TestContext.Current.CancellationToken);
        Assert.Contains(repaired.Changes, c => c.Contains("behind the agent's back", StringComparison.Ordinal));
        Assert.Equal("1", sysctl[ForwardingDriver.Ipv4]);

        var off = await driver.ReconcileAsync(State(egress: false), TestContext.Current.CancellationToken);
        Assert.Equal("0", sysctl[ForwardingDriver.Ipv4]);
        Assert.Equal("0", sysctl[ForwardingDriver.Ipv6]);
        Assert.Equal(2, off.Changes.Count);
    }

    [Fact]
    public async Task Never_turns_off_forwarding_it_found_on_and_uninstall_restores_only_what_it_changed()
    {
        sysctl[ForwardingDriver.Ipv4] = "1";
        await driver.ReconcileAsync(State(egress: true, ipv6: true), TestContext.Current.CancellationToken);
        Assert.Equal("1", sysctl[ForwardingDriver.Ipv6]);

        var restored = driver.Restore();

        Assert.Equal("1", sysctl[ForwardingDriver.Ipv4]);
        Assert.Equal("0", sysctl[ForwardingDriver.Ipv6]);
        Assert.Single(restored);
        Assert.Empty(driver.Restore());
    }

    [Fact]
    public async Task A_missing_ipv6_parameter_fails_the_pass_only_when_ipv6_forwarding_is_needed()
    {
        sysctl.Remove(ForwardingDriver.Ipv6);

        Assert.True((await driver.ReconcileAsync(State(egress: true), TestContext.Current.CancellationToken)).Succeeded);
        var failed = await driver.ReconcileAsync(State(egress: true, ipv6: true), TestContext.Current.CancellationToken);

        Assert.False(failed.Succeeded);
        Assert.Contains("net.ipv6.conf.all.forwarding does not exist", failed.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""[{"dst":"default","gateway":"10.0.0.1","dev":"eth0","protocol":"dhcp","flags":[]}]""", "eth0")]
    [InlineData("[]", null)]
    [InlineData("", null)]
    [InlineData("not json", null)]
    public void The_default_route_device_is_read_from_ip_json(string json, string? device) =>
        Assert.Equal(device, DefaultRoute.Parse(json));

    private sealed class FakeSysctl : Dictionary<string, string>, ISysctl
    {
        public string? Read(string name) => TryGetValue(name, out var v) ? v : null;

        public void Write(string name, string value) => this[name] = value;
    }
}

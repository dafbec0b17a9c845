using CloudWg.EdgeAgent.Nftables;
using CloudWg.Protocol.DesiredStates;

namespace CloudWg.EdgeAgent.Tests.Nftables;

[Trait("Category", "Privileged")]
public sealed class NftablesFirewallDriverTests : IDisposable
{
    private readonly NetworkNamespace _ns = NetworkNamespace.Create("cwg-fwd");

    public void Dispose() => _ns.Dispose();

    internal static DesiredState State(FirewallSpec firewall, long version = 1) => new(
        1, "node-1", version, DateTimeOffset.UnixEpoch,
        new WireGuardSpec("wg0", 51820, ["10.44.0.1/24"], 1420, []),
        new L4Spec([new L4Server(":443", []), new L4Server("0.0.0.0:8443", [])]),
        firewall);

    [Fact]
    public void The_context_comes_from_the_rest_of_the_desired_state()
    {
        var context = NftablesFirewallDriver.ContextFor(State(NftablesRendererTests.SampleSpec()));

        Assert.Equal("wg0", context.InterfaceName);
        Assert.Equal(51820, context.ListenPort);
        Assert.Equal([443, 8443], context.L4Ports);
    }

    [Fact]
    public async Task Reports_what_it_replaced_then_nothing_then_the_drift_it_corrected()
    {
        var state = State(NftablesRendererTests.SampleSpec());
        using var driver = new NftablesFirewallDriver();

        var (first, second) = _ns.Run(() =>
        {
            // libnftables opens its socket on first use: do that inside the namespace.
            var a = driver.ReconcileAsync(state, CancellationToken.None).GetAwaiter().GetResult();
            var b = driver.ReconcileAsync(state, CancellationToken.None).GetAwaiter().GetResult();
            return (a, b);
        });
        _ns.ExecChecked("nft", "flush", "chain", "inet", "cloudwg", "wg-egress");
        var third = await driver.ReconcileAsync(state, TestContext.Current.CancellationToken);

        Assert.True(first.Succeeded, first.Error);
        Assert.Equal(["replaced table inet cloudwg: table inet cloudwg is missing"], first.Changes);
        Assert.Empty(second.Changes);
        Assert.Contains("replaced table inet cloudwg: chain wg-egress: rule \"rule:blocklist\" is missing", third.Changes);
        Assert.Empty((await driver.ReconcileAsync(state, TestContext.Current.CancellationToken)).Changes);
    }

    [Fact]
    public void A_bad_rule_fails_the_pass_with_a_clear_message()
    {
        var bad = new FirewallSpec(
            new FirewallPolicies(FirewallAction.Drop, FirewallAction.Drop, FirewallAction.Drop),
            [new FirewallRuleSpec("r9", FirewallDirection.Input, FirewallProtocol.Icmp, ["22"], [], [], FirewallAction.Accept, 1, null)]);
        using var driver = new NftablesFirewallDriver();

        // Inside the namespace, so that even a wrong renderer could never reach the host's tables.
        var result = _ns.Run(() => driver.ReconcileAsync(State(bad), CancellationToken.None).GetAwaiter().GetResult());

        Assert.False(result.Succeeded);
        Assert.Contains("Firewall rule 'r9': ports are only valid with protocol tcp or udp", result.Error, StringComparison.Ordinal);
    }
}

using CloudWg.Protocol.DesiredStates;

namespace CloudWg.Protocol.Tests;

/// <summary>Well-formed documents that tests mutate one field at a time.</summary>
internal static class TestData
{
    public static readonly DateTimeOffset IssuedAt = new(2026, 11, 23, 18, 52, 7, TimeSpan.Zero);

    /// <summary>A valid WireGuard key whose 32 bytes are all <paramref name="fill"/>.</summary>
    public static string Key(byte fill) => Convert.ToBase64String(Enumerable.Repeat(fill, 32).ToArray());

    /// <summary>The document behind Golden/desired-state.canonical.json. Changing it breaks the golden files on purpose.</summary>
    public static DesiredState Golden() => new(
        Schema: 1,
        NodeId: "node-fra-1",
        Version: 42,
        IssuedAt: new DateTimeOffset(2026, 11, 23, 19, 52, 7, 123, TimeSpan.FromHours(1)).AddTicks(4567),
        WireGuard: new WireGuardSpec(
            Interface: "wg0",
            ListenPort: 51820,
            Addresses: ["10.44.0.1/24", "fd00:44::1/64"],
            Mtu: 1420,
            Peers:
            [
                new PeerSpec(Key(1), null, ["10.44.0.2/32", "fd00:44::2/128"], 25),
                new PeerSpec(Key(2), Key(3), ["10.44.0.3/32", "192.168.10.0/24"], null),
            ]),
        L4: new L4Spec(
        [
            new L4Server(":443",
            [
                new L4Route("route-app", ["app.example.com", "*.app.example.com"], "10.44.0.2:443", ProxyProtocol.V2),
                new L4Route("route-git", ["git.example.org"], "[fd00:44::2]:8443", null),
            ]),
        ]),
        Firewall: new FirewallSpec(
            new FirewallPolicies(FirewallAction.Drop, FirewallAction.Drop, FirewallAction.Accept),
            [
                new FirewallRuleSpec("rule-ssh", FirewallDirection.Input, FirewallProtocol.Tcp, ["22"], ["10.44.0.2/32"], [], FirewallAction.Accept, 10, "Zugriff für Büro — \"HQ\" <&> ☃ 😀"),
                new FirewallRuleSpec("rule-web", FirewallDirection.Forward, FirewallProtocol.Tcp, ["443", "8000-8100"], [], ["10.44.0.0/24"], FirewallAction.Accept, 20, null),
                new FirewallRuleSpec("rule-ping", FirewallDirection.Input, FirewallProtocol.Icmp, [], [], [], FirewallAction.Accept, 30, null),
            ]));

    /// <summary>A small valid document.</summary>
    public static DesiredState Valid() => Golden();

    /// <summary>A valid document with <paramref name="count"/> peers, each with a /32 and a /128.</summary>
    public static DesiredState WithPeers(int count)
    {
        var peers = new List<PeerSpec>(count);
        for (var i = 0; i < count; i++)
        {
            var bytes = new byte[32];
            BitConverter.TryWriteBytes(bytes, i + 1);
            var v4 = $"10.{(i >> 16) & 0xFF}.{(i >> 8) & 0xFF}.{i & 0xFF}/32";
            peers.Add(new PeerSpec(Convert.ToBase64String(bytes), null, [v4, $"fd00:44::{i + 1:x}/128"], null));
        }

        var state = Golden();
        return state with
        {
            WireGuard = state.WireGuard with { Addresses = ["10.255.255.254/8", "fd00:44::ffff/64"], Peers = peers },
            L4 = new L4Spec([]),
        };
    }
}

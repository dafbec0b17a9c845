using System.Text;
using CloudWg.Protocol.DesiredStates;
using CsCheck;

namespace CloudWg.Protocol.Tests;

/// <summary>CsCheck generators. Documents here are arbitrary, not necessarily valid: serialization must not care.</summary>
internal static class Generators
{
    /// <summary>A Unicode scalar: often ASCII (including every control character), sometimes anything incl. astral planes.</summary>
    public static readonly Gen<int> Scalar = Gen.OneOf(
        Gen.Int[0, 0x7F],
        Gen.Int[0, 0x7F],
        Gen.Int[0x80, 0xFFFF].Where(c => c is < 0xD800 or > 0xDFFF),
        Gen.Int[0x10000, 0x10FFFF]);

    /// <summary>Any valid UTF-16 string (no lone surrogates).</summary>
    public static readonly Gen<string> Text = Scalar.Array[0, 24].Select(scalars =>
    {
        var builder = new StringBuilder();
        foreach (var s in scalars)
        {
            builder.Append(char.ConvertFromUtf32(s));
        }

        return builder.ToString();
    });

    public static readonly Gen<string?> OptionalText = Gen.Select(Gen.Bool, Text, (none, text) => none ? null : text);

    public static readonly Gen<IReadOnlyList<string>> Texts = Text.Array[0, 4].Select(a => (IReadOnlyList<string>)a);

    public static readonly Gen<DateTimeOffset> Instant = Gen.Select(
        Gen.Long[DateTimeOffset.MinValue.Ticks + TimeSpan.TicksPerDay, DateTimeOffset.MaxValue.Ticks - TimeSpan.TicksPerDay],
        Gen.Int[-14 * 60, 14 * 60],
        (ticks, offsetMinutes) => new DateTimeOffset(ticks, TimeSpan.FromMinutes(offsetMinutes)));

    public static readonly Gen<int?> OptionalInt = Gen.Select(Gen.Bool, Gen.Int, (none, i) => none ? (int?)null : i);

    public static readonly Gen<PeerSpec> Peer = Gen.Select(Text, OptionalText, Texts, OptionalInt,
        (key, psk, ips, keepalive) => new PeerSpec(key, psk, ips, keepalive));

    public static readonly Gen<WireGuardSpec> WireGuard = Gen.Select(Text, Gen.Int, Texts, Gen.Int, Peer.Array[0, 4],
        (name, port, addresses, mtu, peers) => new WireGuardSpec(name, port, addresses, mtu, peers));

    public static readonly Gen<L4Route> Route = Gen.Select(Text, Texts, Text, Gen.Select(Gen.Bool, Gen.Enum<ProxyProtocol>(), (none, p) => none ? (ProxyProtocol?)null : p),
        (id, sni, upstream, proxy) => new L4Route(id, sni, upstream, proxy));

    public static readonly Gen<L4Spec> L4 = Gen.Select(Text, Route.Array[0, 3], (listen, routes) => new L4Server(listen, routes))
        .Array[0, 3].Select(servers => new L4Spec(servers));

    public static readonly Gen<FirewallRuleSpec> Rule = Gen.Select(
        Gen.Select(Text, Gen.Enum<FirewallDirection>(), Gen.Enum<FirewallProtocol>(), Texts),
        Gen.Select(Texts, Texts, Gen.Enum<FirewallAction>(), Gen.Int, OptionalText),
        (a, b) => new FirewallRuleSpec(a.Item1, a.Item2, a.Item3, a.Item4, b.Item1, b.Item2, b.Item3, b.Item4, b.Item5));

    public static readonly Gen<FirewallSpec> Firewall = Gen.Select(
        Gen.Select(Gen.Enum<FirewallAction>(), Gen.Enum<FirewallAction>(), Gen.Enum<FirewallAction>(), (i, f, e) => new FirewallPolicies(i, f, e)),
        Rule.Array[0, 3],
        (policies, rules) => new FirewallSpec(policies, rules));

    public static readonly Gen<DesiredState> State = Gen.Select(
        Gen.Select(Text, Gen.Long, Instant),
        Gen.Select(WireGuard, L4, Firewall),
        (head, body) => new DesiredState(ProtocolInfo.CurrentSchema, head.Item1, head.Item2, head.Item3, body.Item1, body.Item2, body.Item3));
}

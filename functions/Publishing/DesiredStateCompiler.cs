using System.Net;
using System.Net.Sockets;
using CloudWg.Functions.FirewallRules;
using CloudWg.Functions.Leases;
using CloudWg.Functions.Peers;
using CloudWg.Protocol;
using CloudWg.Protocol.DesiredStates;
using CloudWg.Protocol.Json;
using CloudWg.Protocol.Validation;

namespace CloudWg.Functions.Publishing;

/// <summary>
/// Storage snapshot → desired state. Pure and deterministic: the same snapshot, version and time give the same
/// document byte for byte (lists are ordered by id or priority, never by storage order). What the node must not
/// carry is left out rather than failing the whole node:
/// <list type="bullet">
/// <item>disabled peers and peers expired at <c>issuedAt</c>;</item>
/// <item>a peer whose allowed IPs overlap those of an older peer (WireGuard routes an address to one peer only);</item>
/// <item>disabled routes, routes whose peer is left out or has no address, and routes on a listener the node no longer has;</item>
/// <item>disabled firewall rules, and rules whose peer references all vanished — an emptied source list would
/// mean "any", which must never be the result of deleting a peer — or whose sources and destinations share no
/// address family.</item>
/// </list>
/// </summary>
public static class DesiredStateCompiler
{
    public static DesiredState Compile(NodeSnapshot snapshot, long version, DateTimeOffset issuedAt)
    {
        var node = snapshot.Node;
        var peers = ActivePeers(snapshot.Peers, issuedAt);
        var peersById = peers.ToDictionary(p => p.Id, StringComparer.Ordinal);

        var addresses = new List<string> { AddressPool.Parse(node.Ipv4Network).NodeInterfaceAddress };
        if (node.Ipv6Network is { Length: > 0 } v6)
        {
            addresses.Add(AddressPool.Parse(v6).NodeInterfaceAddress);
        }

        var wireGuard = new WireGuardSpec(
            Nodes.Node.InterfaceName,
            node.ListenPort,
            addresses,
            node.Mtu,
            [.. peers.OrderBy(p => p.Id, StringComparer.Ordinal).Select(p => new PeerSpec(
                p.PublicKey,
                p.PresharedKey,
                p.AllowedIps,
                p.PersistentKeepalive is > 0 ? p.PersistentKeepalive : null))]);

        var routes = snapshot.Routes
            .Where(r => r.Enabled)
            .OrderBy(r => r.Id, StringComparer.Ordinal)
            .Select(r => (Route: r, Upstream: peersById.TryGetValue(r.PeerId, out var peer) ? Upstream(peer, r.Port) : null))
            .Where(r => r.Upstream is not null)
            .ToList();
        var l4 = new L4Spec([.. node.L4Listen.Distinct(StringComparer.Ordinal).Select(listen => new L4Server(
            listen,
            [.. routes.Where(r => r.Route.Listen == listen).Select(r => new L4Route(r.Route.Id, r.Route.Sni, r.Upstream!, r.Route.ProxyProtocol))]))]);

        var rules = snapshot.Rules
            .Where(r => r.Enabled)
            .OrderBy(r => r.Priority)
            .ThenBy(r => r.Id, StringComparer.Ordinal)
            .Select(r => Resolve(r, peersById))
            .OfType<FirewallRuleSpec>()
            .ToList();

        return new DesiredState(ProtocolInfo.CurrentSchema, node.Id, version, issuedAt, wireGuard, l4, new FirewallSpec(node.FirewallPolicy, rules),
            new RoutingSpec(node.Egress, node.EgressInterface));
    }

    /// <summary>
    /// Hash of what the node is told to run, independent of <see cref="DesiredState.Version"/> and
    /// <see cref="DesiredState.IssuedAt"/>: the republish timer compares it with the published one.
    /// </summary>
    public static string ConfigHash(DesiredState state) =>
        ContentHash.Sha256Hex(CanonicalJson.Serialize(state with { Version = 0, IssuedAt = DateTimeOffset.UnixEpoch }));

    private static List<Peer> ActivePeers(IReadOnlyList<Peer> all, DateTimeOffset now)
    {
        var taken = new AddressRanges();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<Peer>();
        foreach (var peer in all.Where(p => p.IsActiveAt(now)).OrderBy(p => p.CreatedAt).ThenBy(p => p.Id, StringComparer.Ordinal))
        {
            var networks = peer.AllowedIps.Select(a => Cidr.TryParseCanonical(a, out var n) ? n : (IPNetwork?)null).ToList();
            if (networks.Any(n => n is null) || !WireGuardKey.IsValid(peer.PublicKey) || keys.Contains(peer.PublicKey)
                || !taken.TryAddAll(networks.Select(n => n!.Value)))
            {
                continue;
            }

            keys.Add(peer.PublicKey);
            result.Add(peer);
        }

        return result;
    }

    private static string? Upstream(Peer peer, int port)
    {
        var hosts = peer.Addresses
            .Select(a => Cidr.TryParseInterfaceAddress(a, out var address, out _) ? address : null)
            .OfType<IPAddress>()
            .ToList();
        var v4 = hosts.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork);
        if (v4 is not null)
        {
            return $"{v4}:{port}";
        }

        var v6 = hosts.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetworkV6);
        return v6 is null ? null : $"[{v6}]:{port}";
    }

    private static FirewallRuleSpec? Resolve(FirewallRule rule, Dictionary<string, Peer> peers)
    {
        var sources = ResolveList(rule.Sources, peers);
        var destinations = ResolveList(rule.Destinations, peers);
        if (sources is null || destinations is null)
        {
            return null;
        }

        var sourceFamilies = Families(sources);
        var destinationFamilies = Families(destinations);
        if (sourceFamilies != 0 && destinationFamilies != 0 && (sourceFamilies & destinationFamilies) == 0)
        {
            return null;
        }

        var ports = rule.Protocol is FirewallProtocol.Tcp or FirewallProtocol.Udp ? rule.Ports : [];
        return new FirewallRuleSpec(rule.Id, rule.Direction, rule.Protocol, ports, sources, destinations, rule.Action, rule.Priority, rule.Comment);
    }

    /// <summary>CIDRs stay; peer ids become the peer's addresses. Null when a non-empty list resolved to nothing.</summary>
    private static List<string>? ResolveList(IReadOnlyList<string> items, Dictionary<string, Peer> peers)
    {
        var resolved = new List<string>();
        foreach (var item in items)
        {
            if (Cidr.TryParseCanonical(item, out _))
            {
                resolved.Add(item);
            }
            else if (peers.TryGetValue(item, out var peer))
            {
                resolved.AddRange(peer.Addresses);
            }
        }

        var distinct = resolved.Distinct(StringComparer.Ordinal).ToList();
        return items.Count > 0 && distinct.Count == 0 ? null : distinct;
    }

    private static int Families(List<string> cidrs) =>
        cidrs.Aggregate(0, (acc, c) => acc | (c.Contains(':', StringComparison.Ordinal) ? 2 : 1));
}

using System.Net;
using System.Text;
using CloudWg.Protocol.DesiredStates;

namespace CloudWg.Protocol.Validation;

/// <summary>
/// Checks a desired state against every rule the agent relies on. The control plane runs it before signing; the
/// agent runs it again after verifying (a valid signature does not make a document sensible). Never throws, also
/// not on documents with nulls where the model says there are none.
/// </summary>
public static class DesiredStateValidator
{
    /// <summary>Smallest MTU accepted (the IPv6 minimum).</summary>
    public const int MinMtu = 1280;

    /// <summary>Largest MTU accepted (jumbo frames).</summary>
    public const int MaxMtu = 9000;

    /// <summary>Longest firewall rule comment in UTF-8 bytes (nftables limits comments to 128).</summary>
    public const int MaxCommentBytes = 128;

    /// <summary>All problems found, in document order; empty when the document is valid.</summary>
    public static IReadOnlyList<ValidationError> Validate(DesiredState state)
    {
        var errors = new List<ValidationError>();
        if (state is null)
        {
            errors.Add(new ValidationError(string.Empty, "The desired state is missing."));
            return errors;
        }

        if (state.Schema != ProtocolInfo.CurrentSchema)
        {
            errors.Add(new ValidationError("schema", $"must be {ProtocolInfo.CurrentSchema}; schema {state.Schema} is not supported."));
        }

        if (!Identifiers.IsValid(state.NodeId))
        {
            errors.Add(new ValidationError("nodeId", Identifiers.Rule + "."));
        }

        if (state.Version < 1)
        {
            errors.Add(new ValidationError("version", "must be 1 or more."));
        }

        if (state.IssuedAt == default)
        {
            errors.Add(new ValidationError("issuedAt", "is required."));
        }

        var before = errors.Count;
        var networks = ValidateWireGuard(state.WireGuard, errors);
        var addressesValid = !errors.Skip(before).Any(e => e.Path.StartsWith("wireguard.addresses", StringComparison.Ordinal) || e.Path == "wireguard");

        // Without a reliable tunnel network, "upstream outside the tunnel" would only repeat the address error.
        ValidateL4(state.L4, addressesValid ? networks : null, errors);
        ValidateFirewall(state.Firewall, errors);
        if (state.Routing?.EgressInterface is { } egress && !InterfaceNames.IsValid(egress))
        {
            errors.Add(new ValidationError("routing.egressInterface", InterfaceNames.Rule + "."));
        }

        if (state.Routing?.EgressInterface is { } same && same == state.WireGuard?.Interface)
        {
            errors.Add(new ValidationError("routing.egressInterface", "must not be the WireGuard interface itself."));
        }
        return errors;
    }

    private static List<IPNetwork> ValidateWireGuard(WireGuardSpec? wg, List<ValidationError> errors)
    {
        var networks = new List<IPNetwork>();
        if (wg is null)
        {
            errors.Add(new ValidationError("wireguard", "is required."));
            return networks;
        }

        if (!InterfaceNames.IsValid(wg.Interface))
        {
            errors.Add(new ValidationError("wireguard.interface", InterfaceNames.Rule + "."));
        }

        if (!PortRange.IsValidPort(wg.ListenPort))
        {
            errors.Add(new ValidationError("wireguard.listenPort", "must be a port from 1 to 65535."));
        }

        if (wg.Mtu is < MinMtu or > MaxMtu)
        {
            errors.Add(new ValidationError("wireguard.mtu", $"must be from {MinMtu} to {MaxMtu}."));
        }

        if (wg.Addresses is null || wg.Addresses.Count == 0)
        {
            errors.Add(new ValidationError("wireguard.addresses", "must hold at least one tunnel address such as 10.44.0.1/24."));
        }
        else
        {
            var seen = new HashSet<IPAddress>();
            for (var i = 0; i < wg.Addresses.Count; i++)
            {
                var path = $"wireguard.addresses[{i}]";
                if (!Cidr.TryParseInterfaceAddress(wg.Addresses[i], out var address, out var prefix))
                {
                    errors.Add(new ValidationError(path, "must be an address with prefix length in canonical form, such as 10.44.0.1/24 or fd00:44::1/64."));
                    continue;
                }

                if (!seen.Add(address))
                {
                    errors.Add(new ValidationError(path, $"repeats address {address}."));
                    continue;
                }

                networks.Add(Cidr.NetworkOf(address, prefix));
            }
        }

        ValidatePeers(wg.Peers, errors);
        return networks;
    }

    private static void ValidatePeers(IReadOnlyList<PeerSpec>? peers, List<ValidationError> errors)
    {
        if (peers is null)
        {
            errors.Add(new ValidationError("wireguard.peers", "is required (an empty list for no peers)."));
            return;
        }

        var keys = new Dictionary<string, int>(StringComparer.Ordinal);
        var ranges = new List<(UInt128 First, UInt128 Last, bool V6, string Path, string Text)>();
        for (var i = 0; i < peers.Count; i++)
        {
            var path = $"wireguard.peers[{i}]";
            if (peers[i] is not { } peer)
            {
                errors.Add(new ValidationError(path, "is required."));
                continue;
            }

            if (!WireGuardKey.IsValid(peer.PublicKey))
            {
                errors.Add(new ValidationError(path + ".publicKey", WireGuardKey.Rule + "."));
            }
            else if (keys.TryGetValue(peer.PublicKey, out var first))
            {
                errors.Add(new ValidationError(path + ".publicKey", $"duplicates the public key of wireguard.peers[{first}]."));
            }
            else
            {
                keys.Add(peer.PublicKey, i);
            }

            if (peer.PresharedKey is not null && !WireGuardKey.IsValid(peer.PresharedKey))
            {
                errors.Add(new ValidationError(path + ".presharedKey", WireGuardKey.Rule + ", or absent."));
            }

            if (peer.Keepalive is { } keepalive && keepalive is < 1 or > 65535)
            {
                errors.Add(new ValidationError(path + ".keepalive", "must be from 1 to 65535 seconds, or absent for none."));
            }

            if (peer.AllowedIps is null)
            {
                errors.Add(new ValidationError(path + ".allowedIps", "is required."));
                continue;
            }

            for (var j = 0; j < peer.AllowedIps.Count; j++)
            {
                var ipPath = $"{path}.allowedIps[{j}]";
                if (Cidr.Check(peer.AllowedIps[j], out var network) is { } problem)
                {
                    errors.Add(new ValidationError(ipPath, problem + "."));
                    continue;
                }

                var (lo, hi) = Cidr.Range(network);
                ranges.Add((lo, hi, network.BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6, ipPath, peer.AllowedIps[j]));
            }
        }

        // Sort by family and start; any overlap then shows up against the widest range seen so far (n log n for
        // fleets with thousands of peers).
        ranges.Sort(static (a, b) => a.V6 != b.V6 ? a.V6.CompareTo(b.V6) : a.First != b.First ? a.First.CompareTo(b.First) : b.Last.CompareTo(a.Last));
        var overlaps = new List<ValidationError>();
        for (int i = 1, widest = 0; i < ranges.Count; i++)
        {
            var previous = ranges[widest];
            var current = ranges[i];
            if (previous.V6 == current.V6 && current.First <= previous.Last)
            {
                var (earlier, later) = PathComparer.Instance.Compare(previous.Path, current.Path) <= 0 ? (previous, current) : (current, previous);
                overlaps.Add(new ValidationError(
                    later.Path,
                    $"{later.Text} overlaps {earlier.Text} at {earlier.Path}; an address can be routed to one peer only."));
            }

            if (previous.V6 != current.V6 || current.Last > previous.Last)
            {
                widest = i;
            }
        }

        // One error per offending field is enough to act on, even when a /8 swallows thousands of /32s.
        errors.AddRange(overlaps.DistinctBy(e => e.Path).OrderBy(e => e.Path, PathComparer.Instance));
    }

    private static void ValidateL4(L4Spec? l4, List<IPNetwork>? networks, List<ValidationError> errors)
    {
        if (l4 is null)
        {
            errors.Add(new ValidationError("l4", "is required (with an empty server list for none)."));
            return;
        }

        if (l4.Servers is null)
        {
            errors.Add(new ValidationError("l4.servers", "is required (an empty list for none)."));
            return;
        }

        var listeners = new Dictionary<string, int>(StringComparer.Ordinal);
        var routeIds = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < l4.Servers.Count; i++)
        {
            var path = $"l4.servers[{i}]";
            if (l4.Servers[i] is not { } server)
            {
                errors.Add(new ValidationError(path, "is required."));
                continue;
            }

            if (!HostPort.TryParseListen(server.Listen, out _, out _))
            {
                errors.Add(new ValidationError(path + ".listen", "must be :port, address:port or [ipv6]:port with a port from 1 to 65535, e.g. :443."));
            }
            else if (listeners.TryGetValue(server.Listen, out var first))
            {
                errors.Add(new ValidationError(path + ".listen", $"duplicates l4.servers[{first}].listen."));
            }
            else
            {
                listeners.Add(server.Listen, i);
            }

            if (server.Routes is null)
            {
                errors.Add(new ValidationError(path + ".routes", "is required."));
                continue;
            }

            var names = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var j = 0; j < server.Routes.Count; j++)
            {
                ValidateRoute(server.Routes[j], $"{path}.routes[{j}]", networks, routeIds, names, errors);
            }
        }
    }

    private static void ValidateRoute(
        L4Route? route,
        string path,
        List<IPNetwork>? networks,
        Dictionary<string, string> routeIds,
        Dictionary<string, string> names,
        List<ValidationError> errors)
    {
        if (route is null)
        {
            errors.Add(new ValidationError(path, "is required."));
            return;
        }

        if (!Identifiers.IsValid(route.Id))
        {
            errors.Add(new ValidationError(path + ".id", Identifiers.Rule + "."));
        }
        else if (routeIds.TryGetValue(route.Id, out var firstRoute))
        {
            errors.Add(new ValidationError(path + ".id", $"duplicates the id of {firstRoute}."));
        }
        else
        {
            routeIds.Add(route.Id, path);
        }

        if (route.Sni is null || route.Sni.Count == 0)
        {
            errors.Add(new ValidationError(path + ".sni", "must hold at least one host name."));
        }
        else
        {
            for (var k = 0; k < route.Sni.Count; k++)
            {
                var sniPath = $"{path}.sni[{k}]";
                var name = route.Sni[k];
                if (!HostNames.IsValidSni(name))
                {
                    errors.Add(new ValidationError(sniPath, HostNames.SniRule + "."));
                }
                else if (!string.Equals(name, name.ToLowerInvariant(), StringComparison.Ordinal))
                {
                    errors.Add(new ValidationError(sniPath, $"must be lower case: {name.ToLowerInvariant()}."));
                }
                else if (names.TryGetValue(name, out var firstName))
                {
                    errors.Add(new ValidationError(sniPath, $"{name} is already routed by {firstName} on this listener."));
                }
                else
                {
                    names.Add(name, sniPath);
                }
            }
        }

        if (!HostPort.TryParseEndpoint(route.Upstream, out var upstream))
        {
            errors.Add(new ValidationError(path + ".upstream", "must be address:port or [ipv6]:port with a port from 1 to 65535, e.g. 10.44.0.7:443."));
        }
        else if (networks is not null && !networks.Any(n => n.Contains(upstream.Address)))
        {
            errors.Add(new ValidationError(
                path + ".upstream",
                $"{upstream.Address} is outside the node's tunnel network{(networks.Count == 1 ? string.Empty : "s")} ({string.Join(", ", networks)}); L4 routes only reach peers through the tunnel."));
        }

        if (route.ProxyProtocol is { } proxy && !Enum.IsDefined(proxy))
        {
            errors.Add(new ValidationError(path + ".proxyProtocol", "must be none, v1 or v2."));
        }
    }

    private static void ValidateFirewall(FirewallSpec? firewall, List<ValidationError> errors)
    {
        if (firewall is null)
        {
            errors.Add(new ValidationError("firewall", "is required."));
            return;
        }

        if (firewall.Policies is not { } policies)
        {
            errors.Add(new ValidationError("firewall.policies", "is required."));
        }
        else
        {
            CheckAction(policies.Input, "firewall.policies.input", errors);
            CheckAction(policies.Forward, "firewall.policies.forward", errors);
            CheckAction(policies.Egress, "firewall.policies.egress", errors);
        }

        if (firewall.Rules is null)
        {
            errors.Add(new ValidationError("firewall.rules", "is required (an empty list for none)."));
            return;
        }

        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < firewall.Rules.Count; i++)
        {
            var path = $"firewall.rules[{i}]";
            if (firewall.Rules[i] is not { } rule)
            {
                errors.Add(new ValidationError(path, "is required."));
                continue;
            }

            if (!Identifiers.IsValid(rule.Id))
            {
                errors.Add(new ValidationError(path + ".id", Identifiers.Rule + "."));
            }
            else if (ids.TryGetValue(rule.Id, out var first))
            {
                errors.Add(new ValidationError(path + ".id", $"duplicates the id of firewall.rules[{first}]."));
            }
            else
            {
                ids.Add(rule.Id, i);
            }

            if (!Enum.IsDefined(rule.Direction))
            {
                errors.Add(new ValidationError(path + ".direction", "must be input, forward or egress."));
            }

            if (!Enum.IsDefined(rule.Protocol))
            {
                errors.Add(new ValidationError(path + ".protocol", "must be tcp, udp, icmp or any."));
            }

            CheckAction(rule.Action, path + ".action", errors);
            ValidatePorts(rule, path, errors);
            var sourceFamilies = ValidateCidrs(rule.Sources, path + ".sources", errors);
            var destinationFamilies = ValidateCidrs(rule.Destinations, path + ".destinations", errors);
            if (sourceFamilies != 0 && destinationFamilies != 0 && (sourceFamilies & destinationFamilies) == 0)
            {
                errors.Add(new ValidationError(path + ".destinations", "share no address family with sources (IPv4 vs IPv6), so the rule could never match."));
            }

            if (rule.Priority < 0)
            {
                errors.Add(new ValidationError(path + ".priority", "must be 0 or more."));
            }

            if (rule.Comment is { } comment && (Encoding.UTF8.GetByteCount(comment) > MaxCommentBytes || comment.Any(char.IsControl)))
            {
                errors.Add(new ValidationError(path + ".comment", $"must be at most {MaxCommentBytes} bytes without control characters."));
            }
        }
    }

    private static void ValidatePorts(FirewallRuleSpec rule, string path, List<ValidationError> errors)
    {
        if (rule.Ports is null)
        {
            errors.Add(new ValidationError(path + ".ports", "is required (an empty list for any port)."));
            return;
        }

        if (rule.Ports.Count > 0 && rule.Protocol is not (FirewallProtocol.Tcp or FirewallProtocol.Udp))
        {
            errors.Add(new ValidationError(path + ".ports", "are only allowed with protocol tcp or udp; remove them or change the protocol."));
            return;
        }

        var seen = new List<PortRange>();
        for (var j = 0; j < rule.Ports.Count; j++)
        {
            if (!PortRange.TryParse(rule.Ports[j], out var range))
            {
                errors.Add(new ValidationError($"{path}.ports[{j}]", PortRange.Rule + "."));
            }
            else if (seen.FindIndex(r => r.Overlaps(range)) is var clash and >= 0)
            {
                errors.Add(new ValidationError($"{path}.ports[{j}]", $"overlaps {seen[clash]} in the same rule."));
            }
            else
            {
                seen.Add(range);
            }
        }
    }

    /// <returns>Bit 1 when an IPv4 CIDR was present, bit 2 for IPv6.</returns>
    private static int ValidateCidrs(IReadOnlyList<string>? cidrs, string path, List<ValidationError> errors)
    {
        if (cidrs is null)
        {
            errors.Add(new ValidationError(path, "is required (an empty list for any address)."));
            return 0;
        }

        var families = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var j = 0; j < cidrs.Count; j++)
        {
            if (Cidr.Check(cidrs[j], out var network) is { } problem)
            {
                errors.Add(new ValidationError($"{path}[{j}]", problem + "."));
            }
            else if (!seen.Add(cidrs[j]))
            {
                errors.Add(new ValidationError($"{path}[{j}]", $"repeats {cidrs[j]}."));
            }
            else
            {
                families |= network.BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 1 : 2;
            }
        }

        return families;
    }

    private static void CheckAction(FirewallAction action, string path, List<ValidationError> errors)
    {
        if (!Enum.IsDefined(action))
        {
            errors.Add(new ValidationError(path, "must be accept, drop or reject."));
        }
    }
}

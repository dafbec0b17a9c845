using System.Net.Sockets;
using CloudWg.Functions.Validation;
using CloudWg.Protocol.DesiredStates;
using CloudWg.Protocol.Validation;

namespace CloudWg.Functions.Nodes;

/// <summary>Reads a node body (create, or patch where absent fields keep their values).</summary>
public static class NodeInput
{
    public static Node Read(FieldReader r, Node? existing, string id, DateTimeOffset now)
    {
        bool Take(string field) => existing is null || r.IsPresent(field);

        var name = Take("name") ? r.String("name", required: true, 64, FieldChecks.DisplayName) ?? "" : existing!.Name;
        var endpoint = Take("endpoint") ? r.String("endpoint", required: true, 253, FieldChecks.Endpoint) ?? "" : existing!.Endpoint;
        var listenPort = Take("listenPort") ? r.Int("listenPort", 1, 65535) ?? Node.DefaultListenPort : existing!.ListenPort;
        var ipv4 = Take("ipv4Network") ? r.String("ipv4Network", required: true, 64, v => Network(v, AddressFamily.InterNetwork, 8, 30)) ?? "" : existing!.Ipv4Network;
        var ipv6 = Take("ipv6Network") ? r.String("ipv6Network", maxLength: 64, check: v => Network(v, AddressFamily.InterNetworkV6, 16, 126)) : existing!.Ipv6Network;
        var mtu = Take("mtu") ? r.Int("mtu", DesiredStateValidator.MinMtu, DesiredStateValidator.MaxMtu) ?? Node.DefaultMtu : existing!.Mtu;
        var keepalive = Take("persistentKeepalive") ? r.Int("persistentKeepalive", 0, 65535) ?? Node.DefaultPersistentKeepalive : existing!.PersistentKeepalive;
        var listen = Take("l4Listen") ? r.StringList("l4Listen", 8, FieldChecks.ListenAddress, maxLength: 64) ?? [Node.DefaultL4Listen] : existing!.L4Listen;
        Unique(r, "l4Listen", listen);
        var dns = Take("dns") ? r.StringList("dns", 8, FieldChecks.IpAddress, maxLength: 64) ?? [] : existing!.Dns;
        var policy = Take("firewallPolicy") ? Policy(r) : existing!.FirewallPolicy;
        var egress = Take("egress") ? r.Bool("egress") ?? false : existing!.Egress;
        var egressInterface = Take("egressInterface")
            ? r.String("egressInterface", maxLength: 15, check: v => InterfaceNames.IsValid(v) ? (v == Node.InterfaceName ? "must not be the WireGuard interface itself." : null) : InterfaceNames.Rule + ".")
            : existing!.EgressInterface;

        return new Node(
            id,
            name,
            endpoint,
            listenPort,
            ipv4,
            ipv6,
            mtu,
            keepalive,
            listen,
            dns,
            policy,
            existing?.PublicKey,
            existing?.Status ?? NodeStatuses.Pending,
            existing?.CreatedAt ?? now,
            now,
            existing?.ETag ?? default,
            egress,
            string.IsNullOrEmpty(egressInterface) ? null : egressInterface);
    }

    private static FirewallPolicies Policy(FieldReader r)
    {
        var policy = r.Object("firewallPolicy");
        if (policy is null)
        {
            return Node.DefaultFirewallPolicy;
        }

        var result = new FirewallPolicies(
            policy.Enum("input", WireEnums.Actions) ?? Node.DefaultFirewallPolicy.Input,
            policy.Enum("forward", WireEnums.Actions) ?? Node.DefaultFirewallPolicy.Forward,
            policy.Enum("egress", WireEnums.Actions) ?? Node.DefaultFirewallPolicy.Egress);
        policy.RejectUnknown();
        return result;
    }

    private static void Unique(FieldReader r, string field, IReadOnlyList<string> values)
    {
        for (var i = 0; i < values.Count; i++)
        {
            if (values.Take(i).Contains(values[i], StringComparer.Ordinal))
            {
                r.ItemError(field, i, "repeats an earlier item.");
            }
        }
    }

    private static string? Network(string value, AddressFamily family, int minPrefix, int maxPrefix)
    {
        if (Cidr.Check(value, out var network) is { } problem)
        {
            return problem + ".";
        }

        var label = family == AddressFamily.InterNetwork ? "an IPv4" : "an IPv6";
        return network.BaseAddress.AddressFamily != family || network.PrefixLength < minPrefix || network.PrefixLength > maxPrefix
            ? $"must be {label} network with a prefix length from /{minPrefix} to /{maxPrefix}."
            : null;
    }
}

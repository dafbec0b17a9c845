using System.Net;
using CloudWg.Functions.Leases;
using CloudWg.Functions.Nodes;
using CloudWg.Functions.Validation;
using CloudWg.Protocol.Validation;

namespace CloudWg.Functions.Peers;

/// <summary>Reads a peer body (create, or patch where absent fields keep their values).</summary>
public static class PeerInput
{
    public const int MaxAllowedIps = 64;

    /// <returns>The peer (addresses empty on create when they are to be allocated) and the requested addresses, if any.</returns>
    public static (Peer Peer, IReadOnlyList<IPAddress>? Requested) Read(FieldReader r, Node node, Peer? existing, string id, DateTimeOffset now)
    {
        bool Take(string field) => existing is null || r.IsPresent(field);

        var name = Take("name") ? r.String("name", required: true, 64, FieldChecks.DisplayName) ?? "" : existing!.Name;
        var publicKey = Take("publicKey") ? r.String("publicKey", required: true, 64, FieldChecks.WireGuardKey) ?? "" : existing!.PublicKey;
        var psk = Take("presharedKey") ? r.String("presharedKey", maxLength: 64, check: FieldChecks.WireGuardKey) : existing!.PresharedKey;
        var keepalive = Take("persistentKeepalive") ? r.Int("persistentKeepalive", 0, 65535) : existing!.PersistentKeepalive;
        var enabled = Take("enabled") ? r.Bool("enabled") ?? true : existing!.Enabled;
        var expiresAt = Take("expiresAt") ? r.DateTime("expiresAt") : existing!.ExpiresAt;
        if (Take("expiresAt") && expiresAt is { } at && at <= now)
        {
            r.Error("expiresAt", "must be in the future; to stop a peer now, set enabled to false or delete it.");
        }

        var notes = Take("notes") ? r.String("notes", maxLength: 1024) : existing!.Notes;

        IReadOnlyList<IPAddress>? requested = null;
        if (existing is not null)
        {
            if (r.IsPresent("addresses"))
            {
                r.Error("addresses", "cannot be changed after creation; delete the peer and create it again with the new addresses.");
            }
        }
        else
        {
            requested = Addresses(r, node);
        }

        var allowedIps = Take("allowedIps") ? r.StringList("allowedIps", MaxAllowedIps, FieldChecks.Cidr, maxLength: 64) : existing!.AllowedIps;
        if (allowedIps is not null)
        {
            NoOverlapWithin(r, allowedIps);
        }

        var addresses = existing?.Addresses ?? requested?.Select(a => HostCidr(a)).ToList() ?? [];
        var peer = new Peer(
            id,
            node.Id,
            name,
            publicKey,
            psk,
            addresses,
            allowedIps is { Count: > 0 } ? allowedIps : addresses,
            keepalive,
            enabled,
            expiresAt,
            notes,
            existing?.CreatedAt ?? now,
            now,
            existing?.ETag ?? default);
        return (peer, requested);
    }

    public static string HostCidr(IPAddress address) =>
        $"{address}/{(address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128)}";

    private static List<IPAddress>? Addresses(FieldReader r, Node node)
    {
        var items = r.StringList("addresses", 2, maxLength: 64);
        if (items is null)
        {
            return null;
        }

        var pools = new List<AddressPool> { AddressPool.Parse(node.Ipv4Network) };
        if (node.Ipv6Network is { Length: > 0 } v6)
        {
            pools.Add(AddressPool.Parse(v6));
        }

        var result = new List<IPAddress>();
        for (var i = 0; i < items.Count; i++)
        {
            if (!Cidr.TryParseInterfaceAddress(items[i], out var address, out var prefix)
                || prefix != (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128))
            {
                r.ItemError("addresses", i, "must be a host address such as 10.44.0.7/32 or fd00:44::7/128.");
                continue;
            }

            var pool = pools.FirstOrDefault(p => p.Family == address.AddressFamily);
            if (pool?.OffsetOf(address) is null)
            {
                r.ItemError("addresses", i, $"must be inside the node's network{(pools.Count > 1 ? "s" : "")} ({string.Join(", ", pools.Select(p => p.Network))}) and not its network, own or broadcast address.");
                continue;
            }

            if (result.Any(a => a.AddressFamily == address.AddressFamily))
            {
                r.ItemError("addresses", i, "a peer has at most one address per family.");
                continue;
            }

            result.Add(address);
        }

        if (items.Count == 0)
        {
            r.Error("addresses", "must hold at least one address, or be left out to allocate them.");
        }

        return result;
    }

    private static void NoOverlapWithin(FieldReader r, IReadOnlyList<string> cidrs)
    {
        var parsed = cidrs.Select(c => Cidr.TryParseCanonical(c, out var n) ? n : (IPNetwork?)null).ToList();
        for (var i = 0; i < parsed.Count; i++)
        {
            for (var j = 0; j < i; j++)
            {
                if (parsed[i] is { } a && parsed[j] is { } b && Cidr.Overlaps(a, b))
                {
                    r.ItemError("allowedIps", i, $"overlaps allowedIps[{j}].");
                    break;
                }
            }
        }
    }
}

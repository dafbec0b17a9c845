using System.Net;
using CloudWg.Protocol.DesiredStates;

namespace CloudWg.EdgeAgent.WireGuard;

/// <summary>
/// Computes the smallest <see cref="WgConfigPatch"/> from an actual device to a desired one: peers are
/// added, updated (only the fields that differ, with <c>update_only</c>) or removed one by one.
/// It never uses <c>replace_peers</c>, so established sessions of unchanged peers are untouched.
/// Endpoints are not managed: the node's peers roam to it. Pure.
/// </summary>
public static class WireGuardDiff
{
    public static WireGuardChange Compute(WgDevice actual, WgKey privateKey, WireGuardSpec desired)
    {
        var changes = new List<string>();
        var peers = new List<WgPeerPatch>();

        WgKey? setPrivateKey = null;
        privateKey = WgKeyPair.Clamp(privateKey);
        if (actual.PrivateKey != privateKey)
        {
            setPrivateKey = privateKey;
            changes.Add("private key set");
        }

        int? setPort = null;
        if (actual.ListenPort != desired.ListenPort)
        {
            setPort = desired.ListenPort;
            changes.Add($"listen port {actual.ListenPort} -> {desired.ListenPort}");
        }

        var actualByKey = new Dictionary<WgKey, WgPeer>(actual.Peers.Count);
        foreach (var peer in actual.Peers)
        {
            actualByKey[peer.PublicKey] = peer;
        }

        var wanted = new HashSet<WgKey>();
        foreach (var spec in desired.Peers)
        {
            var key = WgKey.Parse(spec.PublicKey);
            if (!wanted.Add(key))
            {
                continue;
            }

            var psk = spec.PresharedKey is null ? (WgKey?)null : WgKey.Parse(spec.PresharedKey);
            var keepalive = spec.Keepalive ?? 0;
            var allowed = ParseAllowedIps(spec.AllowedIps);

            if (!actualByKey.TryGetValue(key, out var current))
            {
                peers.Add(new WgPeerPatch
                {
                    PublicKey = key,
                    PresharedKey = psk,
                    PersistentKeepaliveSeconds = keepalive == 0 ? null : keepalive,
                    ReplaceAllowedIps = true,
                    AllowedIps = allowed,
                });
                changes.Add($"peer {key} added");
                continue;
            }

            var pskChanged = current.PresharedKey != psk;
            var keepaliveChanged = current.PersistentKeepaliveSeconds != keepalive;
            var allowedChanged = !SameSet(current.AllowedIps, allowed);
            if (!pskChanged && !keepaliveChanged && !allowedChanged)
            {
                continue;
            }

            peers.Add(new WgPeerPatch
            {
                PublicKey = key,
                UpdateOnly = true,
                PresharedKey = pskChanged ? psk ?? WgKey.Zero : null,
                PersistentKeepaliveSeconds = keepaliveChanged ? keepalive : null,
                ReplaceAllowedIps = allowedChanged,
                AllowedIps = allowedChanged ? allowed : null,
            });
            changes.Add($"peer {key} updated ({Describe(pskChanged, keepaliveChanged, allowedChanged)})");
        }

        foreach (var peer in actual.Peers)
        {
            if (!wanted.Contains(peer.PublicKey))
            {
                peers.Add(new WgPeerPatch { PublicKey = peer.PublicKey, Remove = true });
                changes.Add($"peer {peer.PublicKey} removed");
            }
        }

        var patch = new WgConfigPatch { PrivateKey = setPrivateKey, ListenPort = setPort, Peers = peers };
        return new WireGuardChange(patch, changes);
    }

    /// <summary>
    /// The patch from a device known to hold <paramref name="before"/> to <paramref name="after"/>, touching
    /// only peers whose spec changed; nothing is read from the device, so the cost follows the change, not
    /// the peer count.
    /// </summary>
    public static WireGuardChange ComputeFromSpecs(WireGuardSpec before, WireGuardSpec after, WgKey privateKey)
    {
        var previous = new Dictionary<string, PeerSpec>(before.Peers.Count, StringComparer.Ordinal);
        foreach (var peer in before.Peers)
        {
            previous.TryAdd(peer.PublicKey, peer);
        }

        var seen = new HashSet<string>(after.Peers.Count, StringComparer.Ordinal);
        var changed = new List<PeerSpec>();
        var affected = new List<WgPeer>();
        foreach (var peer in after.Peers)
        {
            if (!seen.Add(peer.PublicKey))
            {
                continue;
            }

            if (previous.TryGetValue(peer.PublicKey, out var old))
            {
                if (SamePeer(old, peer))
                {
                    continue;
                }

                affected.Add(ToPeer(old));
            }

            changed.Add(peer);
        }

        foreach (var (key, old) in previous)
        {
            if (!seen.Contains(key))
            {
                affected.Add(ToPeer(old));
            }
        }

        var clamped = WgKeyPair.Clamp(privateKey);
        var device = new WgDevice(after.Interface, clamped, null, before.ListenPort, 0, affected);
        return Compute(device, privateKey, after with { Peers = changed });
    }

    private static bool SamePeer(PeerSpec a, PeerSpec b) =>
        a.PresharedKey == b.PresharedKey && a.Keepalive == b.Keepalive && a.AllowedIps.SequenceEqual(b.AllowedIps, StringComparer.Ordinal);

    private static WgPeer ToPeer(PeerSpec spec) =>
        new(WgKey.Parse(spec.PublicKey), spec.PresharedKey is null ? null : WgKey.Parse(spec.PresharedKey), null, spec.Keepalive ?? 0, null, 0, 0, ParseAllowedIps(spec.AllowedIps), 0);

    /// <summary>What a device looks like after <paramref name="change"/> was applied to <paramref name="before"/> (statistics kept).</summary>
    public static WgDevice Apply(WgDevice before, WgConfigPatch change)
    {
        var peers = new Dictionary<WgKey, WgPeer>();
        var order = new List<WgKey>();
        if (!change.ReplacePeers)
        {
            foreach (var p in before.Peers)
            {
                peers[p.PublicKey] = p;
                order.Add(p.PublicKey);
            }
        }

        foreach (var patch in change.Peers)
        {
            if (patch.Remove)
            {
                peers.Remove(patch.PublicKey);
                continue;
            }

            var exists = peers.TryGetValue(patch.PublicKey, out var current);
            if (!exists && patch.UpdateOnly)
            {
                continue;
            }

            current ??= new WgPeer(patch.PublicKey, null, null, 0, null, 0, 0, [], 0);
            if (!exists)
            {
                order.Add(patch.PublicKey);
            }

            var allowed = patch.ReplaceAllowedIps ? [] : current.AllowedIps.ToList();
            allowed.AddRange(patch.AllowedIps ?? []);
            peers[patch.PublicKey] = current with
            {
                PresharedKey = patch.PresharedKey is { } psk ? (psk.IsZero ? null : psk) : current.PresharedKey,
                Endpoint = patch.Endpoint ?? current.Endpoint,
                PersistentKeepaliveSeconds = patch.PersistentKeepaliveSeconds ?? current.PersistentKeepaliveSeconds,
                AllowedIps = allowed,
            };
        }

        var privateKey = change.PrivateKey ?? before.PrivateKey;
        return before with
        {
            PrivateKey = privateKey,
            PublicKey = change.PrivateKey is { } k ? WgKeyPair.PublicKeyOf(k) : before.PublicKey,
            ListenPort = change.ListenPort ?? before.ListenPort,
            FirewallMark = change.FirewallMark ?? before.FirewallMark,
            Peers = order.Where(peers.ContainsKey).Distinct().Select(k => peers[k]).ToList(),
        };
    }

    private static List<IPNetwork> ParseAllowedIps(IReadOnlyList<string> cidrs)
    {
        var list = new List<IPNetwork>(cidrs.Count);
        foreach (var cidr in cidrs)
        {
            var network = IPNetwork.Parse(cidr);
            if (!list.Contains(network))
            {
                list.Add(network);
            }
        }

        return list;
    }

    private static bool SameSet(IReadOnlyList<IPNetwork> a, IReadOnlyList<IPNetwork> b) =>
        a.Count == b.Count && a.ToHashSet().SetEquals(b);

    private static string Describe(bool psk, bool keepalive, bool allowed)
    {
        var parts = new List<string>(3);
        if (psk)
        {
            parts.Add("preshared key");
        }

        if (keepalive)
        {
            parts.Add("keepalive");
        }

        if (allowed)
        {
            parts.Add("allowed IPs");
        }

        return string.Join(", ", parts);
    }
}

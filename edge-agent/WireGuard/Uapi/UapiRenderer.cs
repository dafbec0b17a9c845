using System.Globalization;
using System.Net;
using System.Text;

namespace CloudWg.EdgeAgent.WireGuard.Uapi;

/// <summary>
/// Renders requests of the cross-platform userspace API (https://www.wireguard.com/xplatform/).
/// Pure: the same patch always gives the same text.
/// </summary>
public static class UapiRenderer
{
    /// <summary>The complete <c>get</c> request.</summary>
    public const string GetRequest = "get=1\n\n";

    /// <summary>The complete <c>set</c> request for <paramref name="patch"/>, including the terminating blank line.</summary>
    public static string RenderSet(WgConfigPatch patch)
    {
        var sb = new StringBuilder(64 + (patch.Peers.Count * 160));
        sb.Append("set=1\n");
        if (patch.PrivateKey is { } privateKey)
        {
            Line(sb, "private_key", privateKey.ToHex());
        }

        if (patch.ListenPort is { } port)
        {
            Line(sb, "listen_port", port.ToString(CultureInfo.InvariantCulture));
        }

        if (patch.FirewallMark is { } mark)
        {
            Line(sb, "fwmark", mark.ToString(CultureInfo.InvariantCulture));
        }

        if (patch.ReplacePeers)
        {
            Line(sb, "replace_peers", "true");
        }

        foreach (var peer in patch.Peers)
        {
            RenderPeer(sb, peer);
        }

        sb.Append('\n');
        return sb.ToString();
    }

    private static void RenderPeer(StringBuilder sb, WgPeerPatch peer)
    {
        Line(sb, "public_key", peer.PublicKey.ToHex());
        if (peer.Remove)
        {
            Line(sb, "remove", "true");
            return;
        }

        if (peer.UpdateOnly)
        {
            Line(sb, "update_only", "true");
        }

        if (peer.PresharedKey is { } psk)
        {
            Line(sb, "preshared_key", psk.ToHex());
        }

        if (peer.Endpoint is { } endpoint)
        {
            Line(sb, "endpoint", FormatEndpoint(endpoint));
        }

        if (peer.PersistentKeepaliveSeconds is { } keepalive)
        {
            Line(sb, "persistent_keepalive_interval", keepalive.ToString(CultureInfo.InvariantCulture));
        }

        if (peer.ReplaceAllowedIps)
        {
            Line(sb, "replace_allowed_ips", "true");
        }

        foreach (var network in peer.AllowedIps ?? [])
        {
            Line(sb, "allowed_ip", network.ToString());
        }
    }

    /// <summary><c>1.2.3.4:51820</c> or <c>[fd00::1]:51820</c>.</summary>
    public static string FormatEndpoint(IPEndPoint endpoint) =>
        endpoint.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? $"[{endpoint.Address}]:{endpoint.Port.ToString(CultureInfo.InvariantCulture)}"
            : $"{endpoint.Address}:{endpoint.Port.ToString(CultureInfo.InvariantCulture)}";

    private static void Line(StringBuilder sb, string key, string value) => sb.Append(key).Append('=').Append(value).Append('\n');
}

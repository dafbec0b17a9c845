using System.Net;
using System.Text.Json;
using CloudWg.EdgeAgent.Infrastructure;

namespace CloudWg.EdgeAgent.WireGuard;

/// <summary>
/// Interface, address and route setup through iproute2 (<c>ip -j</c> for reading). iproute2 is on every
/// Debian/Ubuntu VPS and keeps this code small; rtnetlink would save a fork per change, which does not
/// matter at the rate interfaces change. Routes the agent adds carry protocol <see cref="RouteProtocol"/>
/// so it only ever removes routes it created.
/// </summary>
public sealed class IpLinkManager(WireGuardOptions options)
{
    /// <summary>The rtnetlink protocol number that marks CloudWg's routes (unassigned in rt_protos).</summary>
    public const int RouteProtocol = 77;

    public async Task<LinkState?> GetLinkAsync(string name, CancellationToken cancellationToken)
    {
        var result = await IpAsync(["-j", "addr", "show", "dev", name], cancellationToken, throwOnError: false).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            return null;
        }

        using var doc = JsonDocument.Parse(result.StandardOutput);
        if (doc.RootElement.GetArrayLength() == 0)
        {
            return null;
        }

        var link = doc.RootElement[0];
        var mtu = link.TryGetProperty("mtu", out var m) ? m.GetInt32() : 0;
        var up = link.TryGetProperty("flags", out var flags) && flags.EnumerateArray().Any(f => f.GetString() == "UP");
        var addresses = new List<string>();
        if (link.TryGetProperty("addr_info", out var infos))
        {
            foreach (var info in infos.EnumerateArray())
            {
                if (info.TryGetProperty("local", out var local) && info.TryGetProperty("prefixlen", out var prefix))
                {
                    addresses.Add($"{local.GetString()}/{prefix.GetInt32()}");
                }
            }
        }

        return new LinkState(name, mtu, up, addresses);
    }

    /// <summary>Brings MTU, addresses and link state to the desired values; returns what it changed.</summary>
    public async Task<IReadOnlyList<string>> EnsureLinkAsync(string name, int mtu, IReadOnlyList<string> addresses, CancellationToken cancellationToken)
    {
        var link = await GetLinkAsync(name, cancellationToken).ConfigureAwait(false)
            ?? throw new WireGuardException($"Interface '{name}' does not exist.");
        var changes = new List<string>();
        if (mtu > 0 && link.Mtu != mtu)
        {
            await IpAsync(["link", "set", "dev", name, "mtu", mtu.ToString(System.Globalization.CultureInfo.InvariantCulture)], cancellationToken).ConfigureAwait(false);
            changes.Add($"mtu {link.Mtu} -> {mtu}");
        }

        var desired = addresses.Select(NormalizeAddress).ToHashSet(StringComparer.Ordinal);
        var actual = link.Addresses.Select(NormalizeAddress).ToHashSet(StringComparer.Ordinal);
        foreach (var address in actual.Where(a => !desired.Contains(a) && !IsIpv6LinkLocal(a)))
        {
            await IpAsync(["addr", "del", address, "dev", name], cancellationToken).ConfigureAwait(false);
            changes.Add($"address {address} removed");
        }

        foreach (var address in desired.Where(a => !actual.Contains(a)))
        {
            await IpAsync(["addr", "add", address, "dev", name], cancellationToken).ConfigureAwait(false);
            changes.Add($"address {address} added");
        }

        if (!link.Up)
        {
            await IpAsync(["link", "set", "dev", name, "up"], cancellationToken).ConfigureAwait(false);
            changes.Add("link up");
        }

        return changes;
    }

    /// <summary>
    /// The routes the interface needs: every allowed IP of every peer, except those already covered by the
    /// interface's own prefixes and default routes (a peer must never take over the node's default route).
    /// </summary>
    public static HashSet<string> DesiredRoutes(IReadOnlyList<string> interfaceAddresses, IEnumerable<string> allowedIps)
    {
        var connected = interfaceAddresses.Select(a => IPNetwork.Parse(ToNetwork(a))).ToList();
        var desired = new HashSet<string>(StringComparer.Ordinal);
        foreach (var cidr in allowedIps)
        {
            var network = IPNetwork.Parse(cidr);
            if (network.PrefixLength == 0 || connected.Any(c => Covers(c, network)))
            {
                continue;
            }

            desired.Add(network.ToString());
        }

        return desired;
    }

    /// <summary>The routes through <paramref name="name"/> that carry CloudWg's protocol number.</summary>
    public async Task<HashSet<string>> ReadRoutesAsync(string name, CancellationToken cancellationToken)
    {
        var actual = new HashSet<string>(StringComparer.Ordinal);
        foreach (var family in new[] { "-4", "-6" })
        {
            var result = await IpAsync([family, "-j", "route", "show", "dev", name, "proto", RouteProtocol.ToString(System.Globalization.CultureInfo.InvariantCulture)], cancellationToken).ConfigureAwait(false);
            using var doc = JsonDocument.Parse(string.IsNullOrWhiteSpace(result.StandardOutput) ? "[]" : result.StandardOutput);
            foreach (var route in doc.RootElement.EnumerateArray())
            {
                var dst = route.GetProperty("dst").GetString()!;
                actual.Add(dst.Contains('/', StringComparison.Ordinal) ? dst : dst + (family == "-4" ? "/32" : "/128"));
            }
        }

        return actual;
    }

    /// <summary>Adds and removes routes so that <paramref name="actual"/> becomes <paramref name="desired"/>.</summary>
    public async Task<IReadOnlyList<string>> ApplyRoutesAsync(string name, IReadOnlySet<string> actual, IReadOnlySet<string> desired, CancellationToken cancellationToken)
    {
        var changes = new List<string>();
        var proto = RouteProtocol.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var route in actual.Where(r => !desired.Contains(r)))
        {
            await IpAsync(["route", "del", route, "dev", name, "proto", proto], cancellationToken).ConfigureAwait(false);
            changes.Add($"route {route} removed");
        }

        foreach (var route in desired.Where(r => !actual.Contains(r)))
        {
            await IpAsync(["route", "replace", route, "dev", name, "proto", proto], cancellationToken).ConfigureAwait(false);
            changes.Add($"route {route} added");
        }

        return changes;
    }

    /// <summary>Starts the userspace implementation for <paramref name="name"/>; it daemonizes itself.</summary>
    public async Task StartUserspaceAsync(string name, CancellationToken cancellationToken)
    {
        var command = options.NetworkNamespace is { } ns
            ? (File: options.IpCommand, Args: new List<string> { "netns", "exec", ns, options.UserspaceCommand, name })
            : (File: options.UserspaceCommand, Args: new List<string> { name });
        var result = await ProcessRunner.RunAsync(command.File, command.Args, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new WireGuardException($"Starting {options.UserspaceCommand} for '{name}' failed (exit {result.ExitCode}): {result.StandardError.Trim()}");
        }
    }

    /// <summary>Creates a kernel WireGuard interface (<c>ip link add … type wireguard</c>).</summary>
    public async Task CreateKernelDeviceAsync(string name, CancellationToken cancellationToken) =>
        await IpAsync(["link", "add", "dev", name, "type", "wireguard"], cancellationToken).ConfigureAwait(false);

    public async Task DeleteLinkAsync(string name, CancellationToken cancellationToken) =>
        await IpAsync(["link", "del", "dev", name], cancellationToken, throwOnError: false).ConfigureAwait(false);

    private async Task<ProcessResult> IpAsync(IReadOnlyList<string> args, CancellationToken cancellationToken, bool throwOnError = true)
    {
        var all = new List<string>(args.Count + 2);
        if (options.NetworkNamespace is { } ns)
        {
            all.Add("-n");
            all.Add(ns);
        }

        all.AddRange(args);
        var result = await ProcessRunner.RunAsync(options.IpCommand, all, cancellationToken).ConfigureAwait(false);
        if (throwOnError && !result.Succeeded)
        {
            throw new WireGuardException($"'ip {string.Join(' ', args)}' failed: {result.StandardError.Trim()}");
        }

        return result;
    }

    private static string NormalizeAddress(string address)
    {
        var slash = address.IndexOf('/', StringComparison.Ordinal);
        var ip = IPAddress.Parse(slash < 0 ? address : address[..slash]);
        var prefix = slash < 0 ? (ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128) : int.Parse(address[(slash + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        return $"{ip}/{prefix}";
    }

    private static string ToNetwork(string address)
    {
        var normalized = NormalizeAddress(address);
        var slash = normalized.IndexOf('/', StringComparison.Ordinal);
        var ip = IPAddress.Parse(normalized[..slash]);
        var prefix = int.Parse(normalized[(slash + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        var bytes = ip.GetAddressBytes();
        for (var bit = prefix; bit < bytes.Length * 8; bit++)
        {
            bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        }

        return $"{new IPAddress(bytes)}/{prefix}";
    }

    private static bool Covers(IPNetwork outer, IPNetwork inner) =>
        outer.BaseAddress.AddressFamily == inner.BaseAddress.AddressFamily
        && outer.PrefixLength <= inner.PrefixLength
        && outer.Contains(inner.BaseAddress);

    private static bool IsIpv6LinkLocal(string address) => address.StartsWith("fe80:", StringComparison.OrdinalIgnoreCase);
}

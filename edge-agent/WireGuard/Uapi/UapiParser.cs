using System.Globalization;
using System.Net;

namespace CloudWg.EdgeAgent.WireGuard.Uapi;

/// <summary>Parses responses of the userspace API. Pure.</summary>
public static class UapiParser
{
    /// <summary>Parses a complete <c>get</c> response (ending in <c>errno=N</c> and a blank line).</summary>
    /// <exception cref="WireGuardException">The response reports an error or is malformed.</exception>
    public static WgDevice ParseGet(string deviceName, string response)
    {
        WgKey? privateKey = null;
        var listenPort = 0;
        var fwmark = 0;
        var peers = new List<WgPeer>();
        PeerBuilder? current = null;
        int? errno = null;

        // Span-based: a 10,000-peer device answers with ~100,000 lines, so no string per line or key.
        var remaining = response.AsSpan();
        while (!remaining.IsEmpty)
        {
            var newline = remaining.IndexOf('\n');
            var line = newline < 0 ? remaining : remaining[..newline];
            remaining = newline < 0 ? [] : remaining[(newline + 1)..];
            if (line.IsEmpty)
            {
                continue;
            }

            var eq = line.IndexOf('=');
            if (eq <= 0)
            {
                throw new WireGuardException($"Malformed UAPI line '{line}'.");
            }

            var key = line[..eq];
            var value = line[(eq + 1)..];
            switch (key)
            {
                case "errno":
                    errno = ParseInt(key, value);
                    break;
                case "private_key":
                    privateKey = FromHex(value);
                    break;
                case "listen_port":
                    listenPort = ParseInt(key, value);
                    break;
                case "fwmark":
                    fwmark = ParseInt(key, value);
                    break;
                case "public_key":
                    if (current is not null)
                    {
                        peers.Add(current.Build());
                    }

                    current = new PeerBuilder(FromHex(value));
                    break;
                default:
                    // Unknown device-level keys (newer implementations) are ignored, as wg(8) does.
                    current?.Set(key, value);
                    break;
            }
        }

        if (current is not null)
        {
            peers.Add(current.Build());
        }

        ThrowOnErrno(errno, "get");
        var publicKey = privateKey is { IsZero: false } pk ? WgKeyPair.PublicKeyOf(pk) : (WgKey?)null;
        return new WgDevice(deviceName, privateKey is { IsZero: false } ? privateKey : null, publicKey, listenPort, fwmark, peers);
    }

    /// <summary>Checks a <c>set</c> response (<c>errno=0</c> and a blank line).</summary>
    public static void ParseSet(string response)
    {
        int? errno = null;
        foreach (var line in response.Split('\n'))
        {
            if (line.StartsWith("errno=", StringComparison.Ordinal))
            {
                errno = ParseInt("errno", line.AsSpan("errno=".Length));
            }
        }

        ThrowOnErrno(errno, "set");
    }

    private static void ThrowOnErrno(int? errno, string operation)
    {
        if (errno is null)
        {
            throw new WireGuardException($"UAPI {operation} response has no errno line.");
        }

        if (errno != 0)
        {
            throw new WireGuardException($"UAPI {operation} failed with errno {errno}.") { Errno = errno };
        }
    }

    private static int ParseInt(ReadOnlySpan<char> key, ReadOnlySpan<char> value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new WireGuardException($"UAPI value of '{key}' is not a number: '{value}'.");

    private static long ParseLong(ReadOnlySpan<char> key, ReadOnlySpan<char> value) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new WireGuardException($"UAPI value of '{key}' is not a number: '{value}'.");

    private static WgKey FromHex(ReadOnlySpan<char> hex)
    {
        Span<byte> bytes = stackalloc byte[WgKey.Length];
        return hex.Length == WgKey.Length * 2 && Convert.FromHexString(hex, bytes, out _, out var written) == System.Buffers.OperationStatus.Done && written == WgKey.Length
            ? WgKey.FromBytes(bytes)
            : throw new WireGuardException($"UAPI key '{hex}' is not 64 hex digits.");
    }

    private sealed class PeerBuilder(WgKey publicKey)
    {
        private readonly List<IPNetwork> allowedIps = [];
        private WgKey? presharedKey;
        private IPEndPoint? endpoint;
        private int keepalive;
        private long handshakeSec;
        private long handshakeNsec;
        private long rx;
        private long tx;
        private int protocolVersion;

        public void Set(ReadOnlySpan<char> key, ReadOnlySpan<char> value)
        {
            switch (key)
            {
                case "preshared_key":
                    var psk = FromHex(value);
                    presharedKey = psk.IsZero ? null : psk;
                    break;
                case "endpoint":
                    endpoint = IPEndPoint.TryParse(value, out var ep)
                        ? ep
                        : throw new WireGuardException($"UAPI endpoint '{value}' is not an address and port.");
                    break;
                case "persistent_keepalive_interval":
                    keepalive = ParseInt(key, value);
                    break;
                case "last_handshake_time_sec":
                    handshakeSec = ParseLong(key, value);
                    break;
                case "last_handshake_time_nsec":
                    handshakeNsec = ParseLong(key, value);
                    break;
                case "rx_bytes":
                    rx = ParseLong(key, value);
                    break;
                case "tx_bytes":
                    tx = ParseLong(key, value);
                    break;
                case "protocol_version":
                    protocolVersion = ParseInt(key, value);
                    break;
                case "allowed_ip":
                    allowedIps.Add(IPNetwork.TryParse(value, out var network)
                        ? network
                        : throw new WireGuardException($"UAPI allowed_ip '{value}' is not a CIDR."));
                    break;
                default:
                    break;
            }
        }

        public WgPeer Build()
        {
            DateTimeOffset? handshake = handshakeSec == 0 && handshakeNsec == 0
                ? null
                : DateTimeOffset.FromUnixTimeSeconds(handshakeSec).AddTicks(handshakeNsec / 100);
            return new WgPeer(publicKey, presharedKey, endpoint, keepalive, handshake, rx, tx, allowedIps, protocolVersion);
        }
    }
}

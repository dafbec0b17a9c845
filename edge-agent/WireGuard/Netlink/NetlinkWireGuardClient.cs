using static CloudWg.EdgeAgent.WireGuard.Netlink.NetlinkConstants;

namespace CloudWg.EdgeAgent.WireGuard.Netlink;

/// <summary>
/// Kernel WireGuard through generic netlink (family <c>wireguard</c>). Create it with <see cref="TryOpen"/>:
/// when the kernel has no WireGuard the caller gets a reason instead of an exception and can fall back to
/// UAPI (userspace implementations).
/// </summary>
public sealed class NetlinkWireGuardClient : IDisposable
{
    private const int DumpAttempts = 5;
    private readonly GenericNetlinkSocket _socket;
    private readonly ushort _familyId;

    private NetlinkWireGuardClient(GenericNetlinkSocket socket, ushort familyId)
    {
        _socket = socket;
        _familyId = familyId;
    }

    public static bool TryOpen(out NetlinkWireGuardClient? client, out string reason)
    {
        var socket = new GenericNetlinkSocket(TimeSpan.FromSeconds(10));
        try
        {
            var id = GenericNetlinkFamily.Resolve(socket, WgGenlName);
            if (id is null)
            {
                socket.Dispose();
                client = null;
                reason = "kernel WireGuard is not available (no 'wireguard' generic netlink family; module not loaded or not built)";
                return false;
            }

            client = new NetlinkWireGuardClient(socket, id.Value);
            reason = $"kernel WireGuard (generic netlink family id {id.Value})";
            return true;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public WgDevice GetDevice(string interfaceName)
    {
        for (var attempt = 1; ; attempt++)
        {
            var request = WireGuardNetlinkEncoder.GetDevice(_familyId, interfaceName, _socket.NextSequence());
            try
            {
                return WireGuardNetlinkDecoder.DecodeDevice(_socket.Request(request, $"WG_CMD_GET_DEVICE {interfaceName}"));
            }
            catch (NetlinkDumpInterruptedException) when (attempt < DumpAttempts)
            {
                // The device changed mid-dump; a fresh dump gives a consistent picture.
            }
        }
    }

    /// <summary>Applies <paramref name="config"/>, in several messages when it is large; each must be acknowledged.</summary>
    public void ConfigureDevice(string interfaceName, WgDeviceConfig config)
    {
        var first = _socket.NextSequence();
        var messages = WireGuardNetlinkEncoder.SetDevice(_familyId, interfaceName, config, first);
        foreach (var message in messages)
        {
            _socket.Request(message, $"WG_CMD_SET_DEVICE {interfaceName}");
        }

        // Keep our counter ahead of the sequence numbers the encoder used.
        for (var i = 1; i < messages.Count; i++)
        {
            _socket.NextSequence();
        }
    }

    public void Dispose() => _socket.Dispose();
}

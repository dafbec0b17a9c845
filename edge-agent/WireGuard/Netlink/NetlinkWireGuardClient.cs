using static CloudWg.EdgeAgent.WireGuard.Netlink.NetlinkConstants;

namespace CloudWg.EdgeAgent.WireGuard.Netlink;

/// <summary>
/// <see cref="IWireGuardClient"/> for kernel WireGuard, over generic netlink (family <c>wireguard</c>). Open it
/// with <see cref="TryOpen"/>: when the kernel has no WireGuard the caller gets a reason instead of an
/// exception and can use UAPI (userspace implementations) instead. Netlink calls are short and synchronous;
/// the async methods complete synchronously.
/// </summary>
public sealed class NetlinkWireGuardClient : IWireGuardClient, IDisposable
{
    private const int DumpAttempts = 5;
    private const int Enodev = 19;
    private readonly GenericNetlinkSocket _socket;
    private readonly ushort _familyId;

    private NetlinkWireGuardClient(GenericNetlinkSocket socket, ushort familyId)
    {
        _socket = socket;
        _familyId = familyId;
    }

    public string Name => "netlink";

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

    public Task<bool> DeviceExistsAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            GetDevice(name);
            return Task.FromResult(true);
        }
        catch (WireGuardException e) when (e.Errno is Enodev or 2)
        {
            return Task.FromResult(false);
        }
    }

    public Task<WgDevice> GetDeviceAsync(string name, CancellationToken cancellationToken) => Task.FromResult(GetDevice(name));

    public Task ConfigureDeviceAsync(string name, WgConfigPatch patch, CancellationToken cancellationToken)
    {
        if (!patch.IsEmpty)
        {
            ConfigureDevice(name, patch);
        }

        return Task.CompletedTask;
    }

    public WgDevice GetDevice(string name)
    {
        for (var attempt = 1; ; attempt++)
        {
            var request = WireGuardNetlinkEncoder.GetDevice(_familyId, name, _socket.NextSequence());
            try
            {
                return WireGuardNetlinkDecoder.DecodeDevice(_socket.Request(request, $"WG_CMD_GET_DEVICE {name}"));
            }
            catch (NetlinkDumpInterruptedException) when (attempt < DumpAttempts)
            {
                // The device changed mid-dump; a fresh dump gives a consistent picture.
            }
            catch (NetlinkException e)
            {
                throw new WireGuardException($"Reading WireGuard device '{name}' over netlink failed: {e.Message}", e) { Errno = e.Errno };
            }
        }
    }

    /// <summary>Applies <paramref name="patch"/>, in several messages when it is large; each must be acknowledged.</summary>
    public void ConfigureDevice(string name, WgConfigPatch patch)
    {
        var messages = WireGuardNetlinkEncoder.SetDevice(_familyId, name, patch, _socket.NextSequence());
        // Keep our counter ahead of the sequence numbers the encoder used.
        for (var i = 1; i < messages.Count; i++)
        {
            _socket.NextSequence();
        }

        try
        {
            foreach (var message in messages)
            {
                _socket.Request(message, $"WG_CMD_SET_DEVICE {name}");
            }
        }
        catch (NetlinkException e)
        {
            throw new WireGuardException($"Configuring WireGuard device '{name}' over netlink failed: {e.Message}", e) { Errno = e.Errno };
        }
    }

    public void Dispose() => _socket.Dispose();
}

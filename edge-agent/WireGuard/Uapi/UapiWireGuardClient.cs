using System.Net.Sockets;
using System.Text;

namespace CloudWg.EdgeAgent.WireGuard.Uapi;

/// <summary>
/// <see cref="IWireGuardClient"/> over the userspace API socket <c>&lt;dir&gt;/&lt;if&gt;.sock</c>, which
/// wireguard-go, boringtun and amneziawg-go all serve. One connection per operation.
/// </summary>
public sealed class UapiWireGuardClient(string socketDirectory = UapiWireGuardClient.DefaultSocketDirectory) : IWireGuardClient
{
    public const string DefaultSocketDirectory = "/var/run/wireguard";

    public string Name => "uapi";

    public string SocketPath(string deviceName) => Path.Combine(socketDirectory, deviceName + ".sock");

    public Task<bool> DeviceExistsAsync(string name, CancellationToken cancellationToken) =>
        Task.FromResult(File.Exists(SocketPath(name)));

    public async Task<WgDevice> GetDeviceAsync(string name, CancellationToken cancellationToken)
    {
        var response = await ExchangeAsync(name, UapiRenderer.GetRequest, cancellationToken).ConfigureAwait(false);
        return UapiParser.ParseGet(name, response);
    }

    public async Task ConfigureDeviceAsync(string name, WgConfigPatch patch, CancellationToken cancellationToken)
    {
        if (patch.IsEmpty)
        {
            return;
        }

        var response = await ExchangeAsync(name, UapiRenderer.RenderSet(patch), cancellationToken).ConfigureAwait(false);
        UapiParser.ParseSet(response);
    }

    private async Task<string> ExchangeAsync(string name, string request, CancellationToken cancellationToken)
    {
        var path = SocketPath(name);
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            throw new WireGuardException($"WireGuard device '{name}' is not reachable over UAPI at {path}: {e.Message}", e);
        }

        await using var stream = new NetworkStream(socket, ownsSocket: false);
        var bytes = Encoding.UTF8.GetBytes(request);
        await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        return await ReadResponseAsync(stream, name, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads until the blank line that follows <c>errno=N</c>; the server keeps the connection open.</summary>
    private static async Task<string> ReadResponseAsync(NetworkStream stream, string name, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        using var collected = new MemoryStream();
        while (true)
        {
            var read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new WireGuardException($"WireGuard device '{name}' closed the UAPI connection before answering.");
            }

            collected.Write(buffer, 0, read);
            if (EndsWithTerminator(collected))
            {
                return Encoding.UTF8.GetString(collected.GetBuffer(), 0, (int)collected.Length);
            }
        }
    }

    private static bool EndsWithTerminator(MemoryStream collected)
    {
        var data = collected.GetBuffer().AsSpan(0, (int)collected.Length);
        if (data.Length < 2 || data[^1] != '\n' || data[^2] != '\n')
        {
            return false;
        }

        // The response is complete once its last non-empty line is errno=N.
        var body = data[..^2];
        var lastLine = body.LastIndexOf((byte)'\n');
        return body[(lastLine + 1)..].StartsWith("errno="u8);
    }
}

using System.Net;
using System.Net.Sockets;

namespace CloudWg.Functions.Tests.Auth;

/// <summary>
/// A loopback TCP forwarder that can be started late: a port that refuses connections until <see cref="Start"/>,
/// then relays to a real service. Lets a test make storage "come up late" without starting another emulator.
/// </summary>
internal sealed class TcpForwarder : IAsyncDisposable
{
    private readonly int target;
    private readonly CancellationTokenSource stop = new();
    private TcpListener? listener;
    private Task? accepting;

    public TcpForwarder(int target)
    {
        this.target = target;
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    public int Port { get; }

    public void Start()
    {
        listener = new TcpListener(IPAddress.Loopback, Port);
        listener.Start();
        accepting = AcceptAsync(listener, stop.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        listener?.Stop();
        if (accepting is not null)
        {
            await accepting;
        }

        stop.Dispose();
    }

    private async Task AcceptAsync(TcpListener server, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            TcpClient inbound;
            try
            {
                inbound = await server.AcceptTcpClientAsync(ct);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = RelayAsync(inbound, ct);
        }
    }

    private async Task RelayAsync(TcpClient inbound, CancellationToken ct)
    {
        using (inbound)
        using (var outbound = new TcpClient())
        {
            try
            {
                await outbound.ConnectAsync(IPAddress.Loopback, target, ct);
                using var a = inbound.GetStream();
                using var b = outbound.GetStream();
                await Task.WhenAny(a.CopyToAsync(b, ct), b.CopyToAsync(a, ct));
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // Either side hung up.
            }
        }
    }
}

using System.Net;
using System.Net.Sockets;

namespace CloudWg.Infra.Tests.Support;

internal static class FreePort
{
    /// <summary>A loopback port that was free a moment ago (the kernel picks it).</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace CloudWg.SystemTests.Harness;

/// <summary>
/// An Azurite that keeps its data on disk (<c>--location</c>) and fixed ports, so the journey can stop storage and
/// start it again with the same tables, queues and blobs (the SAS URLs the agent holds name these ports).
/// </summary>
public sealed class PersistentAzurite : IAsyncDisposable
{
    public const string AccountName = "devstoreaccount1";
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly string location;
    private ChildProcess? process;

    public PersistentAzurite(string location)
    {
        this.location = location;
        (BlobPort, QueuePort, TablePort) = (FreePort(), FreePort(), FreePort());
    }

    public int BlobPort { get; }

    public int QueuePort { get; }

    public int TablePort { get; }

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/{AccountName};QueueEndpoint=http://127.0.0.1:{QueuePort}/{AccountName};" +
        $"TableEndpoint=http://127.0.0.1:{TablePort}/{AccountName};";

    public string Log() => process?.Log() ?? "--- azurite: not running ---";

    public async Task StartAsync()
    {
        Directory.CreateDirectory(location);
        process = ChildProcess.Start("azurite", BuildOutput.Azurite,
        [
            "--silent", "--skipApiVersionCheck", "--loose", "--disableTelemetry",
            "--location", location,
            "--blobPort", BlobPort.ToString(CultureInfo.InvariantCulture),
            "--queuePort", QueuePort.ToString(CultureInfo.InvariantCulture),
            "--tablePort", TablePort.ToString(CultureInfo.InvariantCulture),
        ]);
        foreach (var port in new[] { BlobPort, QueuePort, TablePort })
        {
            await Poll.UntilAsync($"Azurite listening on {port}", async () =>
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException("Azurite exited:\n" + process.Log());
                }

                using var client = new TcpClient();
                try
                {
                    await client.ConnectAsync(IPAddress.Loopback, port);
                    return true;
                }
                catch (SocketException)
                {
                    return false;
                }
            });
        }
    }

    public async Task StopAsync()
    {
        if (process is not null)
        {
            await process.DisposeAsync();
            process = null;
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

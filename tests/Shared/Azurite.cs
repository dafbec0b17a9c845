using System.Globalization;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace CloudWg.Tests.Shared;

/// <summary>
/// A real Azurite for tests. <c>make test</c> starts one for the whole run and passes its connection string in
/// <c>CLOUDWG_TEST_STORAGE</c>; without it (an IDE, a single <c>dotnet test</c>) this starts a private
/// in-memory Azurite on free ports from the repository's node_modules and stops it on dispose. Tests isolate
/// themselves with <see cref="NewPrefix"/> rather than separate emulators.
/// </summary>
public sealed class Azurite : IAsyncDisposable
{
    public const string AccountName = "devstoreaccount1";
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly Process? process;

    private Azurite(string connectionString, Process? process, int blobPort, int queuePort, int tablePort)
    {
        ConnectionString = connectionString;
        this.process = process;
        BlobPort = blobPort;
        QueuePort = queuePort;
        TablePort = tablePort;
    }

    public string ConnectionString { get; }

    public int BlobPort { get; }

    public int QueuePort { get; }

    public int TablePort { get; }

    /// <summary>A fresh storage-name prefix (lowercase letters and digits) so tests never share tables or queues.</summary>
    public static string NewPrefix() => "t" + Guid.NewGuid().ToString("N")[..12];

    public static string ConnectionStringFor(int blobPort, int queuePort, int tablePort) =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{blobPort}/{AccountName};QueueEndpoint=http://127.0.0.1:{queuePort}/{AccountName};" +
        $"TableEndpoint=http://127.0.0.1:{tablePort}/{AccountName};";

    public static async Task<Azurite> StartAsync()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("CLOUDWG_TEST_STORAGE");
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return new Azurite(fromEnvironment, null, Port(fromEnvironment, "BlobEndpoint"), Port(fromEnvironment, "QueueEndpoint"), Port(fromEnvironment, "TableEndpoint"));
        }

        return await StartPrivateAsync();
    }

    /// <summary>Always starts a private Azurite, e.g. for a test that stops storage on purpose.</summary>
    public static async Task<Azurite> StartPrivateAsync((int Blob, int Queue, int Table)? ports = null)
    {
        var root = RepositoryRoot();
        var azurite = Path.Combine(root, "node_modules", ".bin", "azurite");
        if (!File.Exists(azurite))
        {
            throw new InvalidOperationException($"Azurite is not installed at {azurite}: run `npm ci` at the repository root (make test does).");
        }

        var (blob, queue, table) = ports ?? (FreePort(), FreePort(), FreePort());
        var start = new ProcessStartInfo(azurite)
        {
            ArgumentList =
            {
                "--silent", "--inMemoryPersistence", "--skipApiVersionCheck", "--loose", "--disableTelemetry",
                "--blobPort", blob.ToString(CultureInfo.InvariantCulture),
                "--queuePort", queue.ToString(CultureInfo.InvariantCulture),
                "--tablePort", table.ToString(CultureInfo.InvariantCulture),
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("Azurite did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var instance = new Azurite(ConnectionStringFor(blob, queue, table), process, blob, queue, table);
        await instance.WaitUntilListeningAsync(TimeSpan.FromSeconds(60));
        return instance;
    }

    public async ValueTask DisposeAsync()
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process?.Dispose();
    }

    private async Task WaitUntilListeningAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        foreach (var port in new[] { BlobPort, QueuePort, TablePort })
        {
            while (true)
            {
                if (process is { HasExited: true })
                {
                    throw new InvalidOperationException($"Azurite exited with code {process.ExitCode} before listening.");
                }

                try
                {
                    using var client = new TcpClient();
                    await client.ConnectAsync(IPAddress.Loopback, port);
                    break;
                }
                catch (SocketException) when (DateTime.UtcNow < deadline)
                {
                    await Task.Delay(100);
                }
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static int Port(string connectionString, string key)
    {
        var part = connectionString.Split(';').FirstOrDefault(p => p.StartsWith(key + "=", StringComparison.OrdinalIgnoreCase));
        return part is null ? 0 : new Uri(part[(key.Length + 1)..]).Port;
    }

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CloudWg.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Cannot find the repository root (CloudWg.sln) above " + AppContext.BaseDirectory);
    }
}

namespace CloudWg.Functions.Storage;

/// <summary>
/// Creates the tables, the reports queue and the desired-state container when the app starts. Start-up never
/// waits for storage: while it is unreachable this retries with jittered backoff, and /api/health says so.
/// </summary>
public sealed partial class StorageInitializer(StorageClients storage, TimeProvider time, ILogger<StorageInitializer> logger) : BackgroundService
{
    public bool Completed { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(250);
        var warned = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await EnsureCreatedAsync(storage, stoppingToken);
                Completed = true;
                LogReady(logger);
                return;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                if (!warned)
                {
                    LogUnreachable(logger, e.Message);
                    warned = true;
                }

                await Task.Delay(delay * (0.5 + Random.Shared.NextDouble()), time, stoppingToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
            }
        }
    }

    /// <summary>Creates every table, the reports queue and the desired-state container if missing.</summary>
    public static async Task EnsureCreatedAsync(StorageClients storage, CancellationToken cancellationToken)
    {
        foreach (var table in StorageNames.Tables)
        {
            await storage.Table(table).CreateIfNotExistsAsync(cancellationToken);
        }

        await storage.Queues.GetQueueClient(storage.Names.ReportsQueue).CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await storage.Blobs.GetBlobContainerClient(storage.Names.DesiredStateContainer).CreateIfNotExistsAsync(cancellationToken: cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Storage is ready")]
    private static partial void LogReady(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storage is unreachable, retrying in the background: {Reason}")]
    private static partial void LogUnreachable(ILogger logger, string reason);
}

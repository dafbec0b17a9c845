using CloudWg.Functions.Admins;

namespace CloudWg.Functions.Setup;

/// <summary>
/// While no admin exists, keeps a valid setup token in the state directory: made within seconds of start-up, retried
/// with jittered backoff (capped at a few seconds) while storage is not up yet, and remade when it expires. Stops,
/// removing the local file, once an admin exists.
/// </summary>
public sealed partial class SetupBootstrapService(AdminStore admins, SetupTokenService setup, TimeProvider time, ILogger<SetupBootstrapService> logger) : BackgroundService
{
    private static readonly TimeSpan CheckInterval = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(3);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var retry = TimeSpan.FromMilliseconds(200);
        var failing = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan delay;
            try
            {
                if (await admins.AnyAsync(stoppingToken))
                {
                    setup.DeleteLocalFile();
                    return;
                }

                await setup.EnsureTokenAsync(stoppingToken);
                if (failing)
                {
                    failing = false;
                    LogRecovered(logger);
                }

                retry = TimeSpan.FromMilliseconds(200);
                delay = CheckInterval;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                if (!failing)
                {
                    failing = true;
                    LogFailing(logger, e.GetType().Name, e.Message);
                }

                delay = retry * (0.5 + Random.Shared.NextDouble());
                retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, MaxRetryDelay.Ticks));
            }

            await Task.Delay(delay, time, stoppingToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot prepare the setup token yet ({Error}: {Reason}); retrying")]
    private static partial void LogFailing(ILogger logger, string error, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Setup token check works again")]
    private static partial void LogRecovered(ILogger logger);
}

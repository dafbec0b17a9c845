using Microsoft.Extensions.Options;

namespace CloudWg.Functions.Triggers;

/// <summary>
/// Runs the timer functions in process when the app is not under the Functions host (no
/// <c>FUNCTIONS_CUSTOMHANDLER_PORT</c>), on the same schedules and through the same handlers, so a local run
/// behaves like Azure. One loop per function; a failing run is logged once per change of state and the loop
/// carries on with the next occurrence.
/// </summary>
public sealed partial class LocalTriggerHost(
    IServiceProvider services,
    IConfiguration configuration,
    IOptions<TriggerOptions> options,
    TimeProvider time,
    ILogger<LocalTriggerHost> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!string.IsNullOrEmpty(configuration["FUNCTIONS_CUSTOMHANDLER_PORT"]))
        {
            LogDisabled(logger, "the Functions host runs the timers");
            return Task.CompletedTask;
        }

        if (!options.Value.LocalTimers)
        {
            LogDisabled(logger, "CloudWg:Triggers:LocalTimers is false");
            return Task.CompletedTask;
        }

        return Task.WhenAll(TriggerFunctions.All.Select(f => RunLoopAsync(f, stoppingToken)));
    }

    private async Task RunLoopAsync(TriggerFunction function, CancellationToken stoppingToken)
    {
        var schedule = CronSchedule.Parse(function.Schedule);
        var failing = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            var next = schedule.Next(now) ?? now.AddHours(1);
            try
            {
                await Task.Delay(next - now, time, stoppingToken);
                var (_, log) = await function.Run(services, stoppingToken);
                LogRan(logger, function.Name, log);
                if (failing)
                {
                    LogRecovered(logger, function.Name);
                    failing = false;
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                if (!failing)
                {
                    LogFailed(logger, function.Name, e.GetType().Name, e.Message);
                    failing = true;
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Local timers are off: {Reason}")]
    private static partial void LogDisabled(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Function}: {Log}")]
    private static partial void LogRan(ILogger logger, string function, string log);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Function} failed ({Type}: {Message}); retrying at its next occurrence")]
    private static partial void LogFailed(ILogger logger, string function, string type, string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Function} runs again")]
    private static partial void LogRecovered(ILogger logger, string function);
}

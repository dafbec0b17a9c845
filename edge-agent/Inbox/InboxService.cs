using CloudWg.EdgeAgent.Enrollment;
using CloudWg.EdgeAgent.Infrastructure;
using CloudWg.EdgeAgent.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudWg.EdgeAgent.Inbox;

/// <summary>
/// Consumes the node's own queue with its SAS. Adaptive polling: immediately again while messages arrive,
/// then doubling up to <see cref="InboxOptions.IdlePollInterval"/> (the idle worst case); jittered backoff up
/// to <see cref="InboxOptions.ErrorPollInterval"/> while storage is unreachable.
/// </summary>
public sealed class InboxService(
    NodeIdentityStore identity,
    InboxMessageHandler handler,
    AgentHttpClients httpClients,
    RenewalTrigger renewal,
    IOptions<InboxOptions> options,
    TimeProvider time,
    ILogger<InboxService> logger) : BackgroundService
{
    private string? lastState;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var idle = settings.FastPollInterval;
        var errors = new Backoff(settings.FastPollInterval, settings.ErrorPollInterval);
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan delay;
            try
            {
                var handled = await PollOnceAsync(stoppingToken).ConfigureAwait(false);
                errors.Reset();
                if (handled > 0)
                {
                    idle = settings.FastPollInterval;
                    delay = TimeSpan.Zero;
                }
                else
                {
                    delay = idle;
                    idle = TimeSpan.FromTicks(Math.Min(idle.Ticks * 2, settings.IdlePollInterval.Ticks));
                }

                LogState("polling");
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogState("failing: " + e.Message, e);
                delay = errors.Next();
                if (e is StorageRestException { IsAuthorizationFailure: true })
                {
                    // The SAS expired or its policy was replaced: fresh grants come with a renewal.
                    renewal.Request();
                }
            }

            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, time, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Receives one batch and handles it; returns how many messages were handled.</summary>
    public async Task<int> PollOnceAsync(CancellationToken cancellationToken)
    {
        var enrollment = identity.GetEnrollment();
        if (enrollment is null)
        {
            return 0;
        }

        var http = httpClients.Storage;
        var queue = new QueueRestClient(http, new SasUrl(enrollment.InboxUrl));
        var settings = options.Value;
        var messages = await queue.ReceiveAsync(32, settings.VisibilityTimeout, cancellationToken).ConfigureAwait(false);
        var handled = 0;
        foreach (var message in messages)
        {
            if (await handler.HandleAsync(message, () => new BlobRestClient(http, new SasUrl(enrollment.DesiredStateBlobUrl)), cancellationToken).ConfigureAwait(false))
            {
                await queue.DeleteAsync(message, cancellationToken).ConfigureAwait(false);
                handled++;
            }
        }

        return handled;
    }

    private void LogState(string state, Exception? e = null)
    {
        if (state == lastState)
        {
            return;
        }

        if (e is null)
        {
            logger.LogInformation("Inbox {State}", state);
        }
        else
        {
            logger.LogWarning("Inbox {State}", state);
        }

        lastState = state;
    }
}

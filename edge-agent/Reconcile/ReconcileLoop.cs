using CloudWg.EdgeAgent.Infrastructure;
using CloudWg.Protocol.DesiredStates;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudWg.EdgeAgent.Reconcile;

/// <summary>The reconcile loop: cache at start-up, then each accepted document and every interval.</summary>
public sealed class ReconcileLoop(
    Reconciler reconciler,
    ReconcileSignal signal,
    IOptions<ReconcilerOptions> options,
    TimeProvider time,
    ILogger<ReconcileLoop> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var trigger = "startup";
        DesiredState? next = null;
        try
        {
            if (reconciler.LoadFromCache() is { } cached)
            {
                logger.LogInformation("Starting from cached desired state version {Version}", cached.Version);
            }
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            logger.LogError(e, "The cached desired state could not be read; waiting for a new one");
        }

        var backoff = new Backoff(settings.RetryDelay, settings.Interval);
        while (!stoppingToken.IsCancellationRequested)
        {
            var delay = settings.Interval;
            try
            {
                var pass = await reconciler.ReconcileAsync(next, trigger, stoppingToken).ConfigureAwait(false);
                if (pass is { Succeeded: false })
                {
                    delay = backoff.Next();
                }
                else
                {
                    backoff.Reset();
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(e, "Reconcile pass crashed");
                delay = backoff.Next();
            }

            (next, trigger) = await WaitAsync(delay, stoppingToken).ConfigureAwait(false);
        }
    }

    private async Task<(DesiredState? Document, string Trigger)> WaitAsync(TimeSpan delay, CancellationToken stoppingToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var waitForDocument = signal.Reader.WaitToReadAsync(timeout.Token).AsTask();
        var waitForTimer = Task.Delay(delay, time, timeout.Token);
        await Task.WhenAny(waitForDocument, waitForTimer).ConfigureAwait(false);
        await timeout.CancelAsync().ConfigureAwait(false);
        stoppingToken.ThrowIfCancellationRequested();
        DesiredState? newest = null;
        while (signal.Reader.TryRead(out var document))
        {
            newest = document;
        }

        return newest is null ? (null, "periodic") : (newest, "document");
    }
}

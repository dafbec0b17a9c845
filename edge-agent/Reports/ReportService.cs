using CloudWg.EdgeAgent.Enrollment;
using CloudWg.EdgeAgent.Infrastructure;
using CloudWg.EdgeAgent.Reconcile;
using CloudWg.EdgeAgent.State;
using CloudWg.EdgeAgent.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudWg.EdgeAgent.Reports;

/// <summary>
/// Every interval and after each reconcile change: build and sign a report, queue it in SQLite, then send
/// everything pending, oldest first. While the reports queue is unreachable reports wait in the store.
/// </summary>
public sealed class ReportService(
    ReportBuilder builder,
    Reconciler reconciler,
    AgentStateStore store,
    NodeIdentityStore identity,
    AgentHttpClients http,
    IOptions<ReportOptions> options,
    TimeProvider time,
    ILogger<ReportService> logger) : BackgroundService
{
    private readonly SemaphoreSlim changed = new(0, 1);
    private bool failing;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        reconciler.PassCompleted += OnPass;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await ReportOnceAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    logger.LogWarning("Making a report failed: {Error}", e.Message);
                }

                using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                var timer = Task.Delay(options.Value.Interval, time, wait.Token);
                await Task.WhenAny(timer, changed.WaitAsync(wait.Token)).ConfigureAwait(false);
                await wait.CancelAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            reconciler.PassCompleted -= OnPass;
        }
    }

    /// <summary>Makes one report and sends what is pending; returns how many were sent.</summary>
    public async Task<int> ReportOnceAsync(CancellationToken cancellationToken)
    {
        if (await builder.BuildSignedAsync(cancellationToken).ConfigureAwait(false) is { } jws)
        {
            store.EnqueueReport(jws, time.GetUtcNow());
        }

        return await FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<int> FlushAsync(CancellationToken cancellationToken)
    {
        if (identity.GetEnrollment() is not { } enrollment)
        {
            return 0;
        }

        var queue = new QueueRestClient(http.Storage, new SasUrl(enrollment.ReportsUrl));
        var sent = 0;
        try
        {
            while (store.PeekReports(50) is { Count: > 0 } batch)
            {
                foreach (var report in batch)
                {
                    await queue.SendAsync(report.Body, cancellationToken).ConfigureAwait(false);
                    store.DeleteReport(report.Id);
                    sent++;
                }
            }

            if (failing)
            {
                logger.LogInformation("Reports are being delivered again");
                failing = false;
            }
        }
        catch (StorageRestException e)
        {
            if (!failing)
            {
                logger.LogWarning("Reports queue unreachable, keeping reports in the state store: {Error}", e.Message);
                failing = true;
            }
        }

        return sent;
    }

    private void OnPass(ReconcilePass pass)
    {
        if (changed.CurrentCount == 0)
        {
            try
            {
                changed.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already signalled: one report covers both changes.
            }
        }
    }
}

using CloudWg.EdgeAgent.Enrollment;
using CloudWg.EdgeAgent.Infrastructure;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudWg.EdgeAgent.Inbox;

/// <summary>
/// Pull fallback: at start-up and every <see cref="InboxOptions.PullInterval"/>, fetch the latest desired state
/// with a signed request and offer it to the intake. Heals any gap the queue left (lost messages, expired SAS).
/// </summary>
public sealed class PullService(
    NodeIdentityStore identity,
    DesiredStateIntake intake,
    AgentHttpClients http,
    IOptions<InboxOptions> options,
    TimeProvider time,
    ILogger<PullService> logger) : BackgroundService
{
    private string? lastState;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await PullOnceAsync(stoppingToken).ConfigureAwait(false);
                LogState("ok");
                identity.RecordPull(time.GetUtcNow(), null);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogState(e.Message);
                identity.RecordPull(time.GetUtcNow(), e.Message);
            }

            await Task.Delay(options.Value.PullInterval, time, stoppingToken).ConfigureAwait(false);
        }
    }

    public async Task<IntakeResult?> PullOnceAsync(CancellationToken cancellationToken)
    {
        if (identity.GetEnrollment() is not { } enrollment)
        {
            return null;
        }

        var jws = await new ControlPlaneClient(http.ControlPlane, enrollment.ControlUrl).GetDesiredStateAsync(cancellationToken).ConfigureAwait(false);
        return jws is null ? null : intake.Offer(jws, "pull", null, options.Value.MaxBlobBytes);
    }

    private void LogState(string state)
    {
        if (state == lastState)
        {
            return;
        }

        if (state == "ok")
        {
            logger.LogInformation("Pull fallback reached the control plane");
        }
        else
        {
            logger.LogWarning("Pull fallback failed (will retry): {Error}", state);
        }

        lastState = state;
    }
}

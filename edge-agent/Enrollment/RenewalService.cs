using CloudWg.EdgeAgent.Infrastructure;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudWg.EdgeAgent.Enrollment;

/// <summary>Renews the certificate and SAS set once less than a third of their lifetime remains, with backoff.</summary>
public sealed class RenewalService(
    NodeIdentityStore identity,
    CredentialRenewer renewer,
    RenewalTrigger trigger,
    IOptions<RenewalOptions> options,
    TimeProvider time,
    ILogger<RenewalService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var backoff = new Backoff(settings.RetryDelay, settings.MaxRetryDelay);
        var failing = false;
        var requested = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            var delay = settings.CheckInterval;
            try
            {
                if (identity.GetEnrollment() is { } enrollment)
                {
                    var now = time.GetUtcNow();
                    if (requested || now >= enrollment.RenewalDueWith(settings.RenewBefore))
                    {
                        requested = false;
                        var renewed = await renewer.RenewAsync(stoppingToken).ConfigureAwait(false);
                        var due = renewed.RenewalDueWith(settings.RenewBefore);
                        identity.RecordRenewed(time.GetUtcNow());
                        logger.LogInformation("Renewed the node certificate and SAS; next renewal due {Due:u}", due);
                        failing = false;
                        if (due > time.GetUtcNow())
                        {
                            backoff.Reset();
                            continue;
                        }

                        // Already due again (a lifetime shorter than Renewal:RenewBefore): renewing at once would spin.
                        logger.LogWarning("The renewed credentials are already due for renewal (is Renewal:RenewBefore longer than the certificate lifetime?); waiting before the next one");
                        delay = backoff.Next();
                    }
                    else
                    {
                        var untilDue = enrollment.RenewalDueWith(settings.RenewBefore) - now;
                        delay = untilDue < delay ? untilDue : delay;
                    }
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                delay = backoff.Next();
                identity.RecordRenewalFailed(time.GetUtcNow(), e.Message);
                if (!failing)
                {
                    logger.LogWarning("Renewal failed, retrying with backoff: {Error}", e.Message);
                    failing = true;
                }
            }

            // An early request (storage refused the SAS) is honoured, but never faster than the backoff allows.
            requested = await trigger.WaitAsync(delay, time, stoppingToken).ConfigureAwait(false) || requested;
            if (requested && failing)
            {
                await Task.Delay(backoff.Next(), time, stoppingToken).ConfigureAwait(false);
            }
        }
    }
}

using CloudWg.Functions.Auth;
using CloudWg.Functions.Peers;
using CloudWg.Functions.Publishing;
using CloudWg.Functions.Reports;

namespace CloudWg.Functions.Triggers;

/// <summary>Every non-HTTP function of the app. Each has a <c>functions/&lt;Name&gt;/function.json</c>.</summary>
public static class TriggerFunctions
{
    /// <summary>Heals nodes whose published state is stale, missing, tampered with, or unannounced.</summary>
    public static readonly TriggerFunction Republish = new("Republish", "0 */5 * * * *", async (services, ct) =>
    {
        var report = await services.GetRequiredService<Republisher>().RunAsync(ct);
        return (report, $"Republished {report.Republished.Count} node(s), re-notified {report.Renotified.Count}, failed {report.Failed.Count}.");
    });

    /// <summary>Deletes expired peers and frees orphaned address leases.</summary>
    public static readonly TriggerFunction ExpirePeers = new("ExpirePeers", "0 * * * * *", async (services, ct) =>
    {
        var report = await services.GetRequiredService<PeerExpiry>().RunAsync(ct);
        return (report, $"Deleted {report.ExpiredPeers.Count} expired peer(s), freed {report.FreedLeases} orphaned lease(s).");
    });

    /// <summary>Marks nodes offline after three missed reports.</summary>
    public static readonly TriggerFunction DetectOfflineNodes = new("DetectOfflineNodes", "15 * * * * *", async (services, ct) =>
    {
        var report = await services.GetRequiredService<OfflineDetector>().RunAsync(ct);
        return (report, $"Marked {report.MarkedOffline.Count} node(s) offline.");
    });

    /// <summary>Deletes expired or idle sessions, expired API tokens and stale rate-limit rows.</summary>
    public static readonly TriggerFunction PurgeAuth = new("PurgeAuth", "30 */10 * * * *", async (services, ct) =>
    {
        var report = await services.GetRequiredService<AuthPurger>().PurgeAsync(ct);
        return (report, $"Purged {report.Sessions} session(s), {report.Tokens} token(s), {report.RateLimits} rate-limit row(s), {report.Nonces} node nonce(s).");
    });

    public static readonly IReadOnlyList<TriggerFunction> All = [Republish, ExpirePeers, DetectOfflineNodes, PurgeAuth];
}

using System.Text;
using System.Text.Json;
using CloudWg.EdgeAgent.Enrollment;
using CloudWg.EdgeAgent.Hosting;
using CloudWg.EdgeAgent.State;

namespace CloudWg.EdgeAgent.Cli;

/// <summary><c>cloudwg-agent status</c>: what the agent holds and did, from its state store.</summary>
public static class StatusCommand
{
    /// <param name="renewBefore"><c>Renewal:RenewBefore</c>, which can bring the renewal due time forward.</param>
    /// <param name="l4Proxy">The L4 proxy this agent drives (<c>DataPlane:L4Proxy</c>).</param>
    public static AgentStatus Collect(string stateDirectory, AgentStateStore store, NodeIdentityStore identity, TimeSpan? renewBefore = null, string? l4Proxy = null)
    {
        var enrollment = identity.GetEnrollment();
        var rejections = store.GetRejections();
        using var certificate = identity.LoadLeafCertificate();
        var renewal = identity.GetRenewalState();
        var pull = identity.GetPullState();
        return new AgentStatus(
            AgentVersion.Current,
            stateDirectory,
            enrollment is not null,
            enrollment?.NodeId,
            enrollment?.ControlUrl,
            enrollment?.CertificateExpiresAt,
            enrollment?.RenewalDueWith(renewBefore),
            store.GetLastAcceptedVersion(),
            store.GetAppliedVersion(),
            store.GetAcceptedVersions(),
            store.GetRecentReconciles(5).Select(r => new AgentStatusReconcile(r.At, r.Version, r.Trigger, r.Outcome, r.Detail)).ToList(),
            store.CountPendingReports(),
            rejections.Sum(r => r.Count),
            rejections.Select(r => new AgentStatusRejection(r.Reason, r.Count, r.LastAt, r.LastDetail)).ToList(),
            certificate?.SerialNumber,
            certificate is null ? null : RootPin.Fingerprint(certificate),
            renewal.LastRenewedAt,
            renewal.Error,
            renewal.ErrorAt,
            pull.Error,
            pull.At,
            identity.GetClockSkew().Seconds,
            l4Proxy,
            AppliedRoutes(store));
    }

    /// <summary>The L4 routes of the newest accepted document, one line each: <c>id: sni, sni → upstream [proxy v2]</c>.</summary>
    private static IReadOnlyList<string> AppliedRoutes(AgentStateStore store)
    {
        if (store.GetLatestAccepted() is not { } latest)
        {
            return [];
        }

        var state = Protocol.Json.CanonicalJson.Deserialize(System.Text.Encoding.UTF8.GetBytes(latest.Payload));
        return [.. state.L4.Servers.SelectMany(s => s.Routes.Select(r =>
            $"{s.Listen} {r.Id}: {string.Join(", ", r.Sni)} → {r.Upstream}{(r.ProxyProtocol is Protocol.DesiredStates.ProxyProtocol.V1 or Protocol.DesiredStates.ProxyProtocol.V2 ? $" (PROXY {r.ProxyProtocol.ToString()!.ToLowerInvariant()})" : "")}"))];
    }

    public static string ToJson(AgentStatus status) => JsonSerializer.Serialize(status, AgentJsonContext.Default.AgentStatus);

    public static string ToText(AgentStatus status)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"cloudwg-agent {status.AgentVersion}, state in {status.StateDirectory}");
        if (!status.Enrolled)
        {
            sb.AppendLine("Not enrolled: run 'cloudwg-agent enroll --control-url URL --token TOKEN'.");
        }
        else
        {
            sb.AppendLine($"Node:            {status.NodeId} (control plane {status.ControlUrl})");
            sb.AppendLine($"Certificate:     serial {status.CertificateSerial}, SHA-256 {status.CertificateSha256}");
            sb.AppendLine($"                 expires {status.CertificateExpiresAt:u}, renewal due {status.RenewalDueAt:u}"
                + (status.LastRenewedAt is { } renewed ? $", last renewed {renewed:u}" : string.Empty));
            if (status.RenewalError is { } error)
            {
                sb.AppendLine($"Renewal:         FAILING (last attempt {status.RenewalErrorAt:u}): {error}");
            }

            if (status.PullError is { } pullError)
            {
                sb.AppendLine($"Pull fallback:   FAILING (since {status.PullErrorAt:u}): {pullError}");
            }

            if (status.ClockSkewSeconds is { } skew)
            {
                sb.AppendLine($"Clock:           {(skew > 0 ? "ahead of" : "behind")} the control plane by {Math.Abs(skew)} s (signed requests are refused past 60 s ahead or 6 min behind; enable time sync)");
            }
        }

        sb.AppendLine($"Desired state:   accepted v{status.LastAcceptedVersion}, applied v{status.AppliedVersion}, cached [{string.Join(", ", status.CachedVersions)}]");
        if (status.RecentReconciles.Count > 0)
        {
            sb.AppendLine("Recent reconciles:");
            foreach (var r in status.RecentReconciles)
            {
                sb.AppendLine($"  {r.At:u}  v{r.Version}  {r.Trigger,-8}  {r.Outcome,-9}  {r.Detail}");
            }
        }

        sb.AppendLine($"L4 proxy:        {status.L4Proxy ?? "none"}, {status.L4Routes?.Count ?? 0} route(s)");
        foreach (var route in status.L4Routes ?? [])
        {
            sb.AppendLine($"  {route}");
        }

        sb.AppendLine($"Pending reports: {status.PendingReports}");
        sb.AppendLine($"Rejected inputs: {status.RejectedTotal}");
        foreach (var r in status.Rejections)
        {
            sb.AppendLine($"  {r.Reason,-24} {r.Count,6}  last {r.LastAt:u}: {r.LastDetail}");
        }

        return sb.ToString();
    }
}

using System.Buffers.Text;
using CloudWg.Functions.Changes;
using CloudWg.Functions.Nodes;
using CloudWg.Functions.Pki;
using CloudWg.Functions.Validation;
using CloudWg.Protocol.Json;
using CloudWg.Protocol.Jws;
using CloudWg.Protocol.Messages;

namespace CloudWg.Functions.Reports;

/// <summary>
/// Turns one reports-queue message into stored node status and peer stats — only after the report's signature
/// verifies with an active certificate of the node it names (DESIGN §4). The unverified node id only selects
/// which certificates to try; a report signed by node A that claims to be node B verifies with none of B's keys.
/// </summary>
public sealed partial class ReportIngestor(
    NodeStore nodes,
    NodeCertificateStore certificates,
    NodeRuntimeStore runtime,
    IngestCounters counters,
    ChangeFeed changes,
    TimeProvider time,
    ILogger<ReportIngestor> logger)
{
    /// <summary>The queue's own message limit; nothing larger can be a real report.</summary>
    public const int MaxReportLength = 64 * 1024;

    public async Task<IngestOutcome> IngestAsync(string message, CancellationToken cancellationToken)
    {
        var outcome = await EvaluateAsync(message?.Trim() ?? "", cancellationToken);
        if (outcome.Rejection is { } reason)
        {
            await counters.IncrementAsync(reason, cancellationToken);
            LogRejected(logger, reason, outcome.NodeId ?? "?", outcome.Detail);
        }

        return outcome;
    }

    private async Task<IngestOutcome> EvaluateAsync(string compact, CancellationToken cancellationToken)
    {
        if (compact.Length > MaxReportLength)
        {
            return IngestOutcome.Rejected(ReportRejection.Oversized, $"{compact.Length} characters; at most {MaxReportLength}.");
        }

        if (ClaimedNodeId(compact) is not { } claimed)
        {
            return IngestOutcome.Rejected(ReportRejection.Malformed, "not a compact JWS carrying a node report");
        }

        if (await nodes.GetAsync(claimed, cancellationToken) is not { } node || node.Status == NodeStatuses.Revoked)
        {
            return IngestOutcome.Rejected(ReportRejection.UnknownNode, "no such node, or it is revoked", claimed);
        }

        var now = time.GetUtcNow();
        // Node certificates always carry the P-256 key of the node's CSR; the kid is its RFC 7638 thumbprint, as
        // the agent's signer sets it.
        var active = await certificates.ActiveCertificatesAsync(claimed, now, cancellationToken);
        var keys = active.Select(c => Jwk.FromCertificate(c)).DistinctBy(k => k.Kid).ToList();
        foreach (var certificate in active)
        {
            certificate.Dispose();
        }

        if (keys.Count == 0)
        {
            return IngestOutcome.Rejected(ReportRejection.UnknownNode, "the node has no active certificate", claimed);
        }

        var verified = new JwsVerifier(TrustBundle.FromKeys(keys), MaxReportLength).Verify(compact, JwsTypes.Report);
        if (!verified.IsValid)
        {
            var reason = verified.Reason is JwsRejectReason.BadSignature or JwsRejectReason.UnknownKeyId ? ReportRejection.BadSignature : ReportRejection.Malformed;
            return IngestOutcome.Rejected(reason, verified.Detail ?? "", claimed);
        }

        NodeReport report;
        try
        {
            report = CanonicalJson.Deserialize(verified.Payload, ProtocolJsonContext.Default.NodeReport);
        }
        catch (ProtocolJsonException e)
        {
            return IngestOutcome.Rejected(ReportRejection.Invalid, e.Message, claimed);
        }

        if (report.NodeId != claimed)
        {
            return IngestOutcome.Rejected(ReportRejection.Invalid, "the signed nodeId differs from the claimed one", claimed);
        }

        if (report.Validate() is { Count: > 0 } errors)
        {
            return IngestOutcome.Rejected(ReportRejection.Invalid, string.Join("; ", errors.Select(e => $"{e.Path}: {e.Message}")), claimed);
        }

        if (await runtime.AdvanceAsync(report, now, cancellationToken) is not { } stored)
        {
            return IngestOutcome.Rejected(ReportRejection.Stale, $"sequence {report.Sequence} is not newer than the stored one", claimed);
        }

        var (before, after) = stored;
        if (before is null || before.Status != after.Status || before.AppliedVersion != after.AppliedVersion || before.ReconcileOutcome != after.ReconcileOutcome)
        {
            await changes.AppendAsync(claimed, "node", claimed, "status", cancellationToken);
        }

        return IngestOutcome.Stored(claimed);
    }

    /// <summary>The <c>nodeId</c> the payload claims, read without trusting it; null when unreadable.</summary>
    private static string? ClaimedNodeId(string compact)
    {
        var first = compact.IndexOf('.', StringComparison.Ordinal);
        var last = compact.LastIndexOf('.');
        if (first <= 0 || last <= first)
        {
            return null;
        }

        var segment = compact.AsSpan(first + 1, last - first - 1);
        var buffer = new byte[Base64Url.GetMaxDecodedLength(segment.Length)];
        if (!Base64Url.TryDecodeFromChars(segment, buffer, out var written))
        {
            return null;
        }

        try
        {
            var report = CanonicalJson.Deserialize(buffer.AsSpan(0, written), ProtocolJsonContext.Default.NodeReport);
            return ResourceIds.IsNodeId(report.NodeId) ? report.NodeId : null;
        }
        catch (ProtocolJsonException)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected a node report ({Reason}) claiming node {NodeId}: {Detail}")]
    private static partial void LogRejected(ILogger logger, ReportRejection reason, string nodeId, string detail);
}

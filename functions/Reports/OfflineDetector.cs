using CloudWg.Functions.Changes;
using Microsoft.Extensions.Options;

namespace CloudWg.Functions.Reports;

/// <summary>Marks online nodes offline once they have missed three reports (<see cref="ReportOptions.OfflineAfter"/>).</summary>
public sealed class OfflineDetector(NodeRuntimeStore runtime, ChangeFeed changes, IOptions<ReportOptions> options, TimeProvider time)
{
    public async Task<OfflineReport> RunAsync(CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow() - options.Value.OfflineAfter;
        var marked = new List<string>();
        foreach (var node in await runtime.ListAsync(cancellationToken))
        {
            if (node.Status == NodeLiveness.Online && node.LastSeenAt < cutoff && await runtime.MarkOfflineAsync(node.NodeId, cutoff, cancellationToken))
            {
                marked.Add(node.NodeId);
                await changes.AppendAsync(node.NodeId, "node", node.NodeId, "status", cancellationToken);
            }
        }

        return new OfflineReport(marked);
    }
}

using CloudWg.Functions.Nodes;
using CloudWg.Functions.Reports;
using CloudWg.Protocol.Json;
using CloudWg.Protocol.Messages;

namespace CloudWg.Functions.Publishing;

/// <summary>
/// The republish timer's work, per node (DESIGN §1.4: level-triggered healing):
/// <list type="bullet">
/// <item>the compiled content differs from what was published (a lost publish, a peer that expired), or the blob
/// is missing, unverifiable, or not the recorded version → publish a new version, judging the blob by its
/// verified content so tampered metadata cannot block the repair;</item>
/// <item>otherwise, when the node has not confirmed the published version and its queue holds no notification
/// for it (messages deleted or expired) → send the notification again from the blob; an agent treats an equal
/// version as a no-op.</item>
/// </list>
/// </summary>
public sealed partial class Republisher(
    NodeStore nodes,
    SnapshotLoader snapshots,
    PublicationStore publications,
    DesiredStateBlobs blobs,
    NodePublisher publisher,
    NodeRuntimeStore runtime,
    TimeProvider time,
    ILogger<Republisher> logger)
{
    public async Task<RepublishReport> RunAsync(CancellationToken cancellationToken)
    {
        var republished = new List<string>();
        var renotified = new List<string>();
        var failed = new List<string>();
        foreach (var node in await nodes.ListAsync(cancellationToken))
        {
            if (node.Status == NodeStatuses.Revoked)
            {
                continue;
            }

            try
            {
                switch (await CheckAsync(node.Id, cancellationToken))
                {
                    case Outcome.Republished:
                        republished.Add(node.Id);
                        break;
                    case Outcome.Renotified:
                        renotified.Add(node.Id);
                        break;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // One broken node must not stop the others; the next run tries again.
                LogFailed(logger, node.Id, e.GetType().Name, e.Message);
                failed.Add(node.Id);
            }
        }

        return new RepublishReport(republished, renotified, failed);
    }

    private async Task<Outcome> CheckAsync(string nodeId, CancellationToken cancellationToken)
    {
        var snapshot = await snapshots.LoadAsync(nodeId, fresh: true, cancellationToken);
        if (snapshot is null)
        {
            return Outcome.None;
        }

        var publication = await publications.GetAsync(nodeId, cancellationToken);
        var blob = await blobs.ReadVerifiedAsync(nodeId, cancellationToken);
        var configHash = DesiredStateCompiler.ConfigHash(DesiredStateCompiler.Compile(snapshot, 1, time.GetUtcNow()));
        if (publication is null || publication.PublishedVersion == 0 || publication.ConfigHash != configHash
            || blob.Document is null || blob.Sha256 != publication.PublishedSha256 || blob.Document.Version != publication.PublishedVersion)
        {
            var result = await publisher.PublishAsync(nodeId, verifyExisting: true, cancellationToken);
            if (result is { Superseded: false })
            {
                LogRepublished(logger, nodeId, result.Version);
                return Outcome.Republished;
            }

            return Outcome.None;
        }

        if ((await runtime.GetAsync(nodeId, cancellationToken))?.AppliedVersion >= publication.PublishedVersion || await QueueAnnouncesAsync(nodeId, publication.PublishedVersion, cancellationToken))
        {
            return Outcome.None;
        }

        await publisher.NotifyAsync(
            nodeId,
            QueueNotification.Create(nodeId, blob.Document.Version, blob.Sha256!, blob.Compact!),
            cancellationToken);
        LogRenotified(logger, nodeId, blob.Document.Version);
        return Outcome.Renotified;
    }

    /// <summary>Whether a visible message on the node's queue already announces <paramref name="version"/> or later.</summary>
    private async Task<bool> QueueAnnouncesAsync(string nodeId, long version, CancellationToken cancellationToken)
    {
        try
        {
            var peeked = await publisher.Queue(nodeId).PeekMessagesAsync(maxMessages: 32, cancellationToken);
            foreach (var message in peeked.Value)
            {
                try
                {
                    if (CanonicalJson.Deserialize<QueueNotification>(message.Body.ToMemory().Span).Version >= version)
                    {
                        return true;
                    }
                }
                catch (ProtocolJsonException)
                {
                    // Not ours (or garbage): it announces nothing.
                }
            }
        }
        catch (Azure.RequestFailedException e) when (e.Status == StatusCodes.Status404NotFound)
        {
        }

        return false;
    }

    private enum Outcome
    {
        None,
        Republished,
        Renotified,
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Republished node {NodeId} as version {Version}")]
    private static partial void LogRepublished(ILogger logger, string nodeId, long version);

    [LoggerMessage(Level = LogLevel.Information, Message = "Re-sent the notification of node {NodeId} version {Version}")]
    private static partial void LogRenotified(ILogger logger, string nodeId, long version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Republish check of node {NodeId} failed ({Type}: {Reason})")]
    private static partial void LogFailed(ILogger logger, string nodeId, string type, string reason);
}

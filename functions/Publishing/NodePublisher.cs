using System.Text;
using Azure;
using Azure.Storage.Queues;
using CloudWg.Functions.Nodes;
using CloudWg.Functions.Storage;
using CloudWg.Protocol.Json;
using CloudWg.Protocol.Jws;
using CloudWg.Protocol.Messages;
using CloudWg.Protocol.Validation;

namespace CloudWg.Functions.Publishing;

/// <summary>
/// Publishes in the order DESIGN §4 requires: take a version by compare-and-swap, then read and compile (so
/// the highest version contains every change committed before any version was taken), sign, write the blob
/// (never regressing), record, and notify the node's queue with the JWS inline when it fits.
/// </summary>
public sealed partial class NodePublisher(
    StorageClients storage,
    NodeStore nodes,
    SnapshotLoader snapshots,
    PublicationStore publications,
    DesiredStateBlobs blobs,
    ISigningKeys keys,
    TimeProvider time,
    ILogger<NodePublisher> logger) : INodePublisher
{
    public Task<PublishResult?> PublishAsync(string nodeId, CancellationToken cancellationToken) =>
        PublishAsync(nodeId, verifyExisting: false, cancellationToken);

    /// <param name="verifyExisting">
    /// Repair: judge the blob's current version by its verified content rather than its metadata, and read every
    /// peer row rather than trust this instance's copy (<see cref="SnapshotLoader"/>).
    /// </param>
    public async Task<PublishResult?> PublishAsync(string nodeId, bool verifyExisting, CancellationToken cancellationToken)
    {
        // A cheap look first, so no version row is created for a node that is gone.
        var node = await nodes.GetAsync(nodeId, cancellationToken);
        if (node is null || node.Status == NodeStatuses.Revoked)
        {
            return null;
        }

        var version = await publications.AllocateVersionAsync(nodeId, cancellationToken);
        var snapshot = await snapshots.LoadAsync(nodeId, fresh: verifyExisting, cancellationToken);
        if (snapshot is null || snapshot.Node.Status == NodeStatuses.Revoked)
        {
            return null;
        }

        var now = time.GetUtcNow();
        var state = DesiredStateCompiler.Compile(snapshot, version, now);
        var errors = DesiredStateValidator.Validate(state);
        if (errors.Count > 0)
        {
            LogInvalid(logger, nodeId, version, string.Join("; ", errors.Take(5).Select(e => $"{e.Path}: {e.Message}")));
            return null;
        }

        var document = await Jws.SignDocumentAsync(await keys.GetSignerAsync(cancellationToken), state, JwsTypes.DesiredState, cancellationToken);
        var written = blobs.WriteIfNewerAsync(nodeId, version, document, verifyExisting, cancellationToken);
        // Serializing the state once more for its config hash takes as long as the upload: do it meanwhile.
        var configHash = DesiredStateCompiler.ConfigHash(state);
        if (!await written)
        {
            return new PublishResult(version, document.Sha256, Superseded: true);
        }

        await publications.RecordPublishedAsync(nodeId, version, document.Sha256, configHash, now, cancellationToken);
        await NotifyAsync(nodeId, QueueNotification.Create(nodeId, version, document.Sha256, document.Compact), cancellationToken);
        LogPublished(logger, nodeId, version);
        return new PublishResult(version, document.Sha256, Superseded: false);
    }

    /// <summary>Sends a notification to <c>node-&lt;id&gt;</c>, creating the queue when it is missing.</summary>
    public async Task NotifyAsync(string nodeId, QueueNotification notification, CancellationToken cancellationToken)
    {
        var queue = Queue(nodeId);
        var text = Encoding.UTF8.GetString(CanonicalJson.Serialize(notification));
        try
        {
            await queue.SendMessageAsync(text, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == StatusCodes.Status404NotFound)
        {
            await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            await queue.SendMessageAsync(text, cancellationToken);
        }
    }

    public QueueClient Queue(string nodeId) => storage.Queues.GetQueueClient(storage.Names.NodeQueue(nodeId));

    [LoggerMessage(Level = LogLevel.Error, Message = "Not publishing node {NodeId} version {Version}: the compiled state is invalid: {Problems}")]
    private static partial void LogInvalid(ILogger logger, string nodeId, long version, string problems);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Published node {NodeId} version {Version}")]
    private static partial void LogPublished(ILogger logger, string nodeId, long version);
}

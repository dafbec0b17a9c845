using Azure;
using CloudWg.Functions.Audit;
using CloudWg.Functions.Publishing;
using CloudWg.Functions.Validation;

namespace CloudWg.Functions.Changes;

/// <summary>
/// What happens after a mutation is committed: an audit entry, a change-feed entry, and a publish of the
/// node's desired state. The mutation already happened, so a failure here is logged and not reported to the
/// client as a failed request: the republish timer heals an unpublished node (level-triggered, DESIGN §1.4).
/// </summary>
public sealed partial class ChangeRecorder(IAuditLog audit, ChangeFeed feed, INodePublisher publisher, ILogger<ChangeRecorder> logger)
{
    public async Task CommittedAsync(MutationContext who, string resourceType, string action, string id, string nodeId, ETag? before, ETag? after, bool publish = true)
    {
        // No cancellation: the change is committed whether or not the client is still there, so finish recording it.
        var ct = CancellationToken.None;
        try
        {
            await audit.RecordAsync(
                new AuditEvent(
                    who.Actor,
                    $"{resourceType}.{Verb(action)}",
                    "success",
                    resourceType,
                    id,
                    nodeId,
                    who.ClientAddress,
                    before is { } b ? IfMatch.ToApi(b) : null,
                    after is { } a ? IfMatch.ToApi(a) : null),
                ct);
        }
        catch (RequestFailedException e)
        {
            LogAuditFailed(logger, resourceType, id, e.Status);
        }

        try
        {
            await feed.AppendAsync(nodeId, resourceType, id, action, ct);
        }
        catch (RequestFailedException e)
        {
            LogFeedFailed(logger, resourceType, id, e.Status);
        }

        if (publish)
        {
            try
            {
                await publisher.PublishAsync(nodeId, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Storage trouble or anything unexpected: the change stands and the republish timer retries.
                LogPublishFailed(logger, nodeId, e.GetType().Name, e.Message);
            }
        }
    }

    private static string Verb(string action) => action switch
    {
        ChangeActions.Created => "create",
        ChangeActions.Updated => "update",
        ChangeActions.Deleted => "delete",
        _ => action,
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not write the audit entry for {ResourceType} {Id} (HTTP {Status})")]
    private static partial void LogAuditFailed(ILogger logger, string resourceType, string id, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not append {ResourceType} {Id} to the change feed (HTTP {Status})")]
    private static partial void LogFeedFailed(ILogger logger, string resourceType, string id, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing node {NodeId} failed ({Type}: {Reason}); the republish timer will retry")]
    private static partial void LogPublishFailed(ILogger logger, string nodeId, string type, string reason);
}

namespace CloudWg.Functions.Publishing;

/// <summary>Compile → sign → store → notify for one node (DESIGN §4).</summary>
public interface INodePublisher
{
    /// <summary>
    /// Publishes the node's current state under a new version. Null when there is nothing to publish to (the
    /// node is gone or revoked, or its compiled state was invalid).
    /// </summary>
    Task<PublishResult?> PublishAsync(string nodeId, CancellationToken cancellationToken);
}

namespace CloudWg.Functions.Enrollment;

/// <summary>The node was revoked while its renewal was being issued; nothing was handed out.</summary>
public sealed class NodeRevokedException(string nodeId) : Exception($"Node {nodeId} has been revoked.")
{
    public string NodeId { get; } = nodeId;
}

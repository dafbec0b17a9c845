namespace CloudWg.Functions.Enrollment;

/// <summary>The node does not exist (deleted meanwhile, or never created).</summary>
public sealed class NodeNotFoundException(string nodeId) : Exception($"Node {nodeId} does not exist.")
{
    public string NodeId { get; } = nodeId;
}

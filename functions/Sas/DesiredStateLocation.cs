using CloudWg.Functions.Storage;

namespace CloudWg.Functions.Sas;

/// <summary>
/// Where a node's latest signed desired state lives: blob <c>latest.jws</c> in the node's own container
/// <c>[prefix-]ds-&lt;nodeId&gt;</c>. One container per node because a container holds at most five stored access
/// policies: a per-node policy on a per-node container is what makes the node's blob SAS revocable on its own.
/// </summary>
public static class DesiredStateLocation
{
    public const string LatestBlobName = "latest.jws";

    public static string Container(this StorageNames names, string nodeId) =>
        names.Prefix.Length == 0 ? $"ds-{nodeId}" : $"{names.Prefix}-ds-{nodeId}";
}

namespace CloudWg.Functions.Storage;

/// <summary>
/// Names of every table, queue and container the app uses. An optional prefix (setting
/// <c>CloudWg:Storage:Prefix</c>, lowercase letters and digits) lets several isolated instances, such as
/// parallel tests, share one storage account.
/// </summary>
public sealed class StorageNames(string prefix)
{
    /// <summary>Every table the app uses; infra/bicep creates the same list.</summary>
    public static readonly IReadOnlyList<string> Tables =
    [
        "nodes", "peers", "routes", "firewallrules", "leases", "audit", "changes",
        "admins", "sessions", "tokens", "ratelimits", "enrollments", "certificates", "nonces",
    ];

    public const string ReportsQueueName = "reports";
    public const string DesiredStateContainerName = "desired-state";

    /// <summary>Blob name of a node's latest signed desired state, in <see cref="NodeDesiredStateContainer"/>.</summary>
    public const string DesiredStateBlobName = "latest.jws";

    public string Prefix { get; } = prefix;

    /// <summary>The table called <paramref name="name"/> (one of <see cref="Tables"/>) for this instance.</summary>
    public string Table(string name) => Prefix + name;

    public string ReportsQueue => Prefix.Length == 0 ? ReportsQueueName : $"{Prefix}-{ReportsQueueName}";

    public string DesiredStateContainer => Prefix.Length == 0 ? DesiredStateContainerName : $"{Prefix}-{DesiredStateContainerName}";

    /// <summary>
    /// The node's own desired-state container, <c>[prefix-]ds-&lt;nodeId&gt;</c>. One container per node because a
    /// container holds at most five stored access policies: a per-node policy on a per-node container is what makes
    /// the node's blob SAS revocable on its own.
    /// </summary>
    public string NodeDesiredStateContainer(string nodeId) => Prefix.Length == 0 ? $"ds-{nodeId}" : $"{Prefix}-ds-{nodeId}";

    /// <summary>The inbox queue of one node: <c>node-&lt;id&gt;</c>.</summary>
    public string NodeQueue(string nodeId) => Prefix.Length == 0 ? $"node-{nodeId}" : $"{Prefix}-node-{nodeId}";
}

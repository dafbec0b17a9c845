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
        "admins", "sessions", "tokens", "ratelimits", "enrollments", "certificates",
    ];

    public const string ReportsQueueName = "reports";
    public const string DesiredStateContainerName = "desired-state";

    public string Prefix { get; } = prefix;

    /// <summary>The table called <paramref name="name"/> (one of <see cref="Tables"/>) for this instance.</summary>
    public string Table(string name) => Prefix + name;

    public string ReportsQueue => Prefix.Length == 0 ? ReportsQueueName : $"{Prefix}-{ReportsQueueName}";

    public string DesiredStateContainer => Prefix.Length == 0 ? DesiredStateContainerName : $"{Prefix}-{DesiredStateContainerName}";

    /// <summary>The inbox queue of one node: <c>node-&lt;id&gt;</c>.</summary>
    public string NodeQueue(string nodeId) => Prefix.Length == 0 ? $"node-{nodeId}" : $"{Prefix}-node-{nodeId}";
}

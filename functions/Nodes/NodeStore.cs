using Azure;
using Azure.Data.Tables;
using CloudWg.Functions.Storage;
using CloudWg.Functions.Validation;
using CloudWg.Protocol.DesiredStates;

namespace CloudWg.Functions.Nodes;

/// <summary>
/// Nodes in the <c>nodes</c> table: partition = node id, row key <see cref="RowKey"/>. The node's other rows share
/// its partition: its publication state (versions, hashes; see Publishing) is a separate row so that publishing
/// never changes the node's API ETag, and enrollment merges its own columns (certificate, agent version) into
/// this row. Updates therefore merge rather than replace, and "no value" is stored as an empty string.
/// </summary>
public sealed class NodeStore(StorageClients storage)
{
    public const string RowKey = "node";

    private readonly TableClient table = storage.Table("nodes");

    public async Task<IReadOnlyList<Node>> ListAsync(CancellationToken cancellationToken)
    {
        var nodes = new List<Node>();
        await foreach (var entity in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey eq {RowKey}"), cancellationToken: cancellationToken))
        {
            nodes.Add(ToModel(entity));
        }

        return nodes;
    }

    public async Task<Node?> GetAsync(string id, CancellationToken cancellationToken)
    {
        if (!ResourceIds.IsNodeId(id))
        {
            return null;
        }

        var response = await table.GetEntityIfExistsAsync<TableEntity>(id, RowKey, cancellationToken: cancellationToken);
        return response.HasValue ? ToModel(response.Value!) : null;
    }

    public async Task<Node> CreateAsync(Node node, CancellationToken cancellationToken)
    {
        var entity = ToEntity(node);
        entity["Status"] = node.Status;
        var response = await table.AddEntityAsync(entity, cancellationToken);
        return node with { ETag = response.Headers.ETag ?? default };
    }

    /// <summary>
    /// Writes the operator-managed columns if the ETag still is <paramref name="ifMatch"/> (a 412
    /// <see cref="RequestFailedException"/> otherwise); enrollment's columns (public key, status, …) are left alone.
    /// </summary>
    public async Task<Node> UpdateAsync(Node node, ETag ifMatch, CancellationToken cancellationToken)
    {
        var response = await table.UpdateEntityAsync(ToEntity(node), ifMatch, TableUpdateMode.Merge, cancellationToken);
        return node with { ETag = response.Headers.ETag ?? default };
    }

    public async Task DeleteAsync(string id, ETag ifMatch, CancellationToken cancellationToken) =>
        await table.DeleteEntityAsync(id, RowKey, ifMatch, cancellationToken);

    private static TableEntity ToEntity(Node node) => new(node.Id, RowKey)
    {
        ["Name"] = node.Name,
        ["Endpoint"] = node.Endpoint,
        ["ListenPort"] = node.ListenPort,
        ["Ipv4Network"] = node.Ipv4Network,
        ["Ipv6Network"] = node.Ipv6Network ?? "",
        ["Mtu"] = node.Mtu,
        ["PersistentKeepalive"] = node.PersistentKeepalive,
        ["L4Listen"] = EntityColumns.ToJson(node.L4Listen),
        ["Dns"] = EntityColumns.ToJson(node.Dns),
        ["PolicyInput"] = WireEnums.Name(node.FirewallPolicy.Input),
        ["PolicyForward"] = WireEnums.Name(node.FirewallPolicy.Forward),
        ["PolicyEgress"] = WireEnums.Name(node.FirewallPolicy.Egress),
        ["Egress"] = node.Egress,
        ["EgressInterface"] = node.EgressInterface ?? "",
        ["CreatedAt"] = node.CreatedAt,
        ["UpdatedAt"] = node.UpdatedAt,
    };

    private static Node ToModel(TableEntity e) => new(
        e.PartitionKey,
        e.GetString("Name") ?? "",
        e.GetString("Endpoint") ?? "",
        e.GetInt32("ListenPort") ?? Node.DefaultListenPort,
        e.GetString("Ipv4Network") ?? "",
        NullIfEmpty(e.GetString("Ipv6Network")),
        e.GetInt32("Mtu") ?? Node.DefaultMtu,
        e.GetInt32("PersistentKeepalive") ?? Node.DefaultPersistentKeepalive,
        EntityColumns.FromJson(e.GetString("L4Listen")),
        EntityColumns.FromJson(e.GetString("Dns")),
        new FirewallPolicies(
            WireEnums.Parse(WireEnums.Actions, e.GetString("PolicyInput"), FirewallAction.Accept),
            WireEnums.Parse(WireEnums.Actions, e.GetString("PolicyForward"), FirewallAction.Accept),
            WireEnums.Parse(WireEnums.Actions, e.GetString("PolicyEgress"), FirewallAction.Accept)),
        NullIfEmpty(e.GetString("PublicKey")),
        e.GetString("Status") ?? NodeStatuses.Pending,
        e.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.UnixEpoch,
        e.GetDateTimeOffset("UpdatedAt") ?? DateTimeOffset.UnixEpoch,
        e.ETag,
        e.GetBoolean("Egress") ?? false,
        NullIfEmpty(e.GetString("EgressInterface")));

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}

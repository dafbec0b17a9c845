using Azure;
using Azure.Data.Tables;
using CloudWg.Functions.Nodes;
using CloudWg.Functions.Storage;
using CloudWg.Functions.Validation;
using CloudWg.Protocol.DesiredStates;

namespace CloudWg.Functions.FirewallRules;

/// <summary>Rules in the <c>firewallrules</c> table, partition = node id, row key = rule id.</summary>
public sealed class FirewallRuleStore(StorageClients storage)
{
    private readonly TableClient table = storage.Table("firewallrules");

    public async Task<IReadOnlyList<FirewallRule>> ListAsync(string nodeId, CancellationToken cancellationToken) =>
        await NodeChildRows.QueryAsync(table, TableClient.CreateQueryFilter($"PartitionKey eq {nodeId}"), ToModel, cancellationToken);

    public Task<FirewallRule?> GetAsync(string id, CancellationToken cancellationToken) =>
        NodeChildRows.GetAsync(table, id, ResourceIds.FirewallRule, (_, e) => ToModel(e), cancellationToken);

    public async Task<FirewallRule> CreateAsync(FirewallRule rule, CancellationToken cancellationToken)
    {
        var response = await table.AddEntityAsync(ToEntity(rule), cancellationToken);
        return rule with { ETag = response.Headers.ETag ?? default };
    }

    public async Task<FirewallRule> UpdateAsync(FirewallRule rule, ETag ifMatch, CancellationToken cancellationToken)
    {
        var response = await table.UpdateEntityAsync(ToEntity(rule), ifMatch, TableUpdateMode.Replace, cancellationToken);
        return rule with { ETag = response.Headers.ETag ?? default };
    }

    public async Task DeleteAsync(FirewallRule rule, ETag ifMatch, CancellationToken cancellationToken) =>
        await table.DeleteEntityAsync(rule.NodeId, rule.Id, ifMatch, cancellationToken);

    public Task DeletePartitionAsync(string nodeId, CancellationToken cancellationToken) => PartitionCleaner.DeleteAllAsync(table, nodeId, cancellationToken);

    private static TableEntity ToEntity(FirewallRule rule) => new(rule.NodeId, rule.Id)
    {
        ["Direction"] = WireEnums.Name(rule.Direction),
        ["Protocol"] = WireEnums.Name(rule.Protocol),
        ["Ports"] = EntityColumns.ToJson(rule.Ports),
        ["Sources"] = EntityColumns.ToJson(rule.Sources),
        ["Destinations"] = EntityColumns.ToJson(rule.Destinations),
        ["Action"] = WireEnums.Name(rule.Action),
        ["Priority"] = rule.Priority,
        ["Comment"] = rule.Comment,
        ["Enabled"] = rule.Enabled,
        ["CreatedAt"] = rule.CreatedAt,
        ["UpdatedAt"] = rule.UpdatedAt,
    };

    // An unreadable stored action becomes "drop": a damaged row must never open the firewall.
    private static FirewallRule ToModel(TableEntity e) => new(
        e.RowKey,
        e.PartitionKey,
        WireEnums.Parse(WireEnums.Directions, e.GetString("Direction"), FirewallDirection.Input),
        WireEnums.Parse(WireEnums.Protocols, e.GetString("Protocol"), FirewallProtocol.Any),
        EntityColumns.FromJson(e.GetString("Ports")),
        EntityColumns.FromJson(e.GetString("Sources")),
        EntityColumns.FromJson(e.GetString("Destinations")),
        WireEnums.Parse(WireEnums.Actions, e.GetString("Action"), FirewallAction.Drop),
        e.GetInt32("Priority") ?? FirewallRule.DefaultPriority,
        e.GetString("Comment"),
        e.GetBoolean("Enabled") ?? true,
        e.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.UnixEpoch,
        e.GetDateTimeOffset("UpdatedAt") ?? DateTimeOffset.UnixEpoch,
        e.ETag);
}

using Azure;
using Azure.Data.Tables;
using CloudWg.Functions.Nodes;
using CloudWg.Functions.Storage;
using CloudWg.Functions.Validation;
using CloudWg.Protocol.DesiredStates;

namespace CloudWg.Functions.Routes;

/// <summary>
/// Routes in the <c>routes</c> table, partition = node id, row key = route id. Every SNI name has a claim row
/// <c>sni.&lt;listen&gt;.&lt;name&gt;</c> in the same partition, written in the route's transaction: a listener never
/// gets the same name twice, even when two instances race.
/// </summary>
public sealed class RouteStore(StorageClients storage)
{
    private readonly TableClient table = storage.Table("routes");

    public async Task<IReadOnlyList<SniRoute>> ListAsync(string nodeId, CancellationToken cancellationToken) =>
        await NodeChildRows.QueryAsync(
            table, TableClient.CreateQueryFilter($"PartitionKey eq {nodeId} and RowKey ge {nodeId + "-r"} and RowKey lt {nodeId + "-s"}"), ToModel, cancellationToken);

    public Task<SniRoute?> GetAsync(string id, CancellationToken cancellationToken) =>
        NodeChildRows.GetAsync(table, id, ResourceIds.Route, (_, e) => ToModel(e), cancellationToken);

    /// <summary>Adds the route; null when one of its names is already routed on the node.</summary>
    public async Task<SniRoute?> CreateAsync(SniRoute route, CancellationToken cancellationToken)
    {
        var actions = new List<TableTransactionAction> { new(TableTransactionActionType.Add, ToEntity(route)) };
        actions.AddRange(route.Sni.Select(name => new TableTransactionAction(TableTransactionActionType.Add, Claim(route, name))));
        try
        {
            var response = await table.SubmitTransactionAsync(actions, cancellationToken);
            return route with { ETag = response.Value[0].Headers.ETag ?? default };
        }
        catch (TableTransactionFailedException e) when (e.Status == StatusCodes.Status409Conflict)
        {
            return null;
        }
    }

    /// <summary>Replaces the route if its ETag is <paramref name="ifMatch"/> (412 otherwise); null when a new name is taken.</summary>
    public async Task<SniRoute?> UpdateAsync(SniRoute before, SniRoute after, ETag ifMatch, CancellationToken cancellationToken)
    {
        var actions = new List<TableTransactionAction> { new(TableTransactionActionType.UpdateReplace, ToEntity(after), ifMatch) };
        var kept = before.Listen == after.Listen ? before.Sni.Intersect(after.Sni).ToList() : [];
        actions.AddRange(before.Sni.Except(kept).Select(name => new TableTransactionAction(TableTransactionActionType.Delete, Claim(before, name), ETag.All)));
        actions.AddRange(after.Sni.Except(kept).Select(name => new TableTransactionAction(TableTransactionActionType.Add, Claim(after, name))));
        try
        {
            var response = await NodeChildRows.SubmitAsync(table, actions, cancellationToken);
            return after with { ETag = response.Value[0].Headers.ETag ?? default };
        }
        catch (RequestFailedException e) when (e.Status == StatusCodes.Status409Conflict)
        {
            return null;
        }
    }

    public async Task DeleteAsync(SniRoute route, ETag ifMatch, CancellationToken cancellationToken)
    {
        var actions = new List<TableTransactionAction> { new(TableTransactionActionType.Delete, new TableEntity(route.NodeId, route.Id), ifMatch) };
        actions.AddRange(route.Sni.Select(name => new TableTransactionAction(TableTransactionActionType.Delete, Claim(route, name), ETag.All)));
        await NodeChildRows.SubmitAsync(table, actions, cancellationToken);
    }

    public Task DeletePartitionAsync(string nodeId, CancellationToken cancellationToken) => PartitionCleaner.DeleteAllAsync(table, nodeId, cancellationToken);

    /// <summary>The route holding <paramref name="name"/> on the listener, if any (for a helpful 409).</summary>
    public async Task<string?> OwnerOfAsync(string nodeId, string listen, string name, CancellationToken cancellationToken)
    {
        var response = await table.GetEntityIfExistsAsync<TableEntity>(nodeId, ClaimKey(listen, name), cancellationToken: cancellationToken);
        return response.HasValue ? response.Value!.GetString("RouteId") : null;
    }

    private static TableEntity Claim(SniRoute route, string name) => new(route.NodeId, ClaimKey(route.Listen, name)) { ["RouteId"] = route.Id };

    private static string ClaimKey(string listen, string name) => $"sni.{listen}.{name}";

    private static TableEntity ToEntity(SniRoute route) => new(route.NodeId, route.Id)
    {
        ["Listen"] = route.Listen,
        ["Sni"] = EntityColumns.ToJson(route.Sni),
        ["PeerId"] = route.PeerId,
        ["Port"] = route.Port,
        ["ProxyProtocol"] = WireEnums.Name(route.ProxyProtocol),
        ["Enabled"] = route.Enabled,
        ["CreatedAt"] = route.CreatedAt,
        ["UpdatedAt"] = route.UpdatedAt,
    };

    private static SniRoute ToModel(TableEntity e) => new(
        e.RowKey,
        e.PartitionKey,
        e.GetString("Listen") ?? Nodes.Node.DefaultL4Listen,
        EntityColumns.FromJson(e.GetString("Sni")),
        e.GetString("PeerId") ?? "",
        e.GetInt32("Port") ?? 0,
        WireEnums.Parse(WireEnums.ProxyProtocols, e.GetString("ProxyProtocol"), ProxyProtocol.None),
        e.GetBoolean("Enabled") ?? true,
        e.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.UnixEpoch,
        e.GetDateTimeOffset("UpdatedAt") ?? DateTimeOffset.UnixEpoch,
        e.ETag);
}

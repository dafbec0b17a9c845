using Azure;
using Azure.Data.Tables;
using CloudWg.Functions.Validation;

namespace CloudWg.Functions.Nodes;

/// <summary>
/// Reads and writes the stores of a node's children (peers, routes, firewall rules) share: each lives in a table
/// whose partition is the node id and whose row key is the child id (<see cref="ResourceIds.NewChildId"/>).
/// </summary>
internal static class NodeChildRows
{
    /// <summary>The child with id <paramref name="id"/> of kind <paramref name="kind"/>; null when there is none or the id is not one of that kind.</summary>
    public static async Task<T?> GetAsync<T>(TableClient table, string id, char kind, Func<string, TableEntity, T> toModel, CancellationToken cancellationToken)
        where T : class
    {
        var nodeId = ResourceIds.NodeOf(id, kind);
        if (nodeId is null)
        {
            return null;
        }

        var response = await table.GetEntityIfExistsAsync<TableEntity>(nodeId, id, cancellationToken: cancellationToken);
        return response.HasValue ? toModel(nodeId, response.Value!) : null;
    }

    /// <summary>Every row that <paramref name="filter"/> matches, mapped, in the order the table returns them.</summary>
    public static async Task<List<T>> QueryAsync<T>(
        TableClient table, string filter, Func<TableEntity, T> toModel, CancellationToken cancellationToken, IEnumerable<string>? select = null)
    {
        var models = new List<T>();
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, select: select, cancellationToken: cancellationToken))
        {
            models.Add(toModel(entity));
        }

        return models;
    }

    /// <summary>
    /// Submits the transaction; a failed one is thrown as a plain <see cref="RequestFailedException"/> with the failed
    /// action's status (412: the child changed since it was read; 404: it was deleted meanwhile).
    /// </summary>
    public static async Task<Response<IReadOnlyList<Response>>> SubmitAsync(
        TableClient table, IEnumerable<TableTransactionAction> actions, CancellationToken cancellationToken)
    {
        try
        {
            return await table.SubmitTransactionAsync(actions, cancellationToken);
        }
        catch (TableTransactionFailedException e)
        {
            throw new RequestFailedException(e.Status, e.Message, e.ErrorCode, e);
        }
    }
}

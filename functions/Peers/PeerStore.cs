using System.Buffers.Text;
using Azure;
using Azure.Data.Tables;
using CloudWg.Functions.Nodes;
using CloudWg.Functions.Storage;
using CloudWg.Functions.Validation;

namespace CloudWg.Functions.Peers;

/// <summary>
/// Peers in the <c>peers</c> table, partition = node id, row key = peer id. Next to each peer, in the same
/// partition, a claim row <c>pk.&lt;base64url key&gt;</c> makes "one public key per node" hold across instances:
/// peer and claim are written in one entity-group transaction, so a duplicate key fails atomically.
/// </summary>
public sealed class PeerStore(StorageClients storage)
{
    private readonly TableClient table = storage.Table("peers");

    public async Task<IReadOnlyList<Peer>> ListAsync(string nodeId, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {nodeId} and RowKey ge {nodeId + "-p"} and RowKey lt {nodeId + "-q"}");
        var peers = new List<Peer>();
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            peers.Add(ToModel(entity));
        }

        return peers;
    }

    public async Task<Peer?> GetAsync(string id, CancellationToken cancellationToken)
    {
        var nodeId = ResourceIds.NodeOf(id, ResourceIds.Peer);
        if (nodeId is null)
        {
            return null;
        }

        var response = await table.GetEntityIfExistsAsync<TableEntity>(nodeId, id, cancellationToken: cancellationToken);
        return response.HasValue ? ToModel(response.Value!) : null;
    }

    /// <summary>Adds the peer; false when another peer of the node has the same public key.</summary>
    public async Task<Peer?> CreateAsync(Peer peer, CancellationToken cancellationToken)
    {
        var actions = new[]
        {
            new TableTransactionAction(TableTransactionActionType.Add, ToEntity(peer)),
            new TableTransactionAction(TableTransactionActionType.Add, Claim(peer)),
        };
        try
        {
            var response = await table.SubmitTransactionAsync(actions, cancellationToken);
            return peer with { ETag = response.Value[0].Headers.ETag ?? default };
        }
        catch (TableTransactionFailedException e) when (e.Status == StatusCodes.Status409Conflict)
        {
            return null;
        }
    }

    /// <summary>
    /// Replaces the peer if its ETag is <paramref name="ifMatch"/>, moving the key claim when the key changed.
    /// Throws a 412 <see cref="RequestFailedException"/> on an ETag mismatch; null when the new key is taken.
    /// </summary>
    public async Task<Peer?> UpdateAsync(Peer before, Peer after, ETag ifMatch, CancellationToken cancellationToken)
    {
        var actions = new List<TableTransactionAction> { new(TableTransactionActionType.UpdateReplace, ToEntity(after), ifMatch) };
        if (before.PublicKey != after.PublicKey)
        {
            actions.Add(new(TableTransactionActionType.Delete, Claim(before), ETag.All));
            actions.Add(new(TableTransactionActionType.Add, Claim(after)));
        }

        try
        {
            var response = await table.SubmitTransactionAsync(actions, cancellationToken);
            return after with { ETag = response.Value[0].Headers.ETag ?? default };
        }
        catch (TableTransactionFailedException e) when (e.Status == StatusCodes.Status409Conflict)
        {
            return null;
        }
        catch (TableTransactionFailedException e)
        {
            // 412: the peer changed since the client read it; 404: it was deleted meanwhile.
            throw new RequestFailedException(e.Status, e.Message, e.ErrorCode, e);
        }
    }

    /// <summary>Deletes the peer (if its ETag is <paramref name="ifMatch"/>) and its key claim together.</summary>
    public async Task DeleteAsync(Peer peer, ETag ifMatch, CancellationToken cancellationToken)
    {
        var actions = new[]
        {
            new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(peer.NodeId, peer.Id), ifMatch),
            new TableTransactionAction(TableTransactionActionType.Delete, Claim(peer), ETag.All),
        };
        try
        {
            await table.SubmitTransactionAsync(actions, cancellationToken);
        }
        catch (TableTransactionFailedException e) when (e.FailedTransactionActionIndex == 1 && e.Status == StatusCodes.Status404NotFound)
        {
            // The claim is already gone (a repaired partial state): delete the peer alone.
            await table.DeleteEntityAsync(peer.NodeId, peer.Id, ifMatch, cancellationToken);
        }
        catch (TableTransactionFailedException e)
        {
            throw new RequestFailedException(e.Status, e.Message, e.ErrorCode, e);
        }
    }

    /// <summary>Removes every row of a node's partition (node deletion).</summary>
    public Task DeletePartitionAsync(string nodeId, CancellationToken cancellationToken) => PartitionCleaner.DeleteAllAsync(table, nodeId, cancellationToken);

    private static TableEntity Claim(Peer peer) => new(peer.NodeId, "pk." + Base64Url.EncodeToString(Convert.FromBase64String(peer.PublicKey)))
    {
        ["PeerId"] = peer.Id,
    };

    private static TableEntity ToEntity(Peer peer) => new(peer.NodeId, peer.Id)
    {
        ["Name"] = peer.Name,
        ["PublicKey"] = peer.PublicKey,
        ["PresharedKey"] = peer.PresharedKey,
        ["Addresses"] = EntityColumns.ToJson(peer.Addresses),
        ["AllowedIps"] = EntityColumns.ToJson(peer.AllowedIps),
        ["PersistentKeepalive"] = peer.PersistentKeepalive,
        ["Enabled"] = peer.Enabled,
        ["ExpiresAt"] = peer.ExpiresAt,
        ["Notes"] = peer.Notes,
        ["CreatedAt"] = peer.CreatedAt,
        ["UpdatedAt"] = peer.UpdatedAt,
    };

    private static Peer ToModel(TableEntity e) => new(
        e.RowKey,
        e.PartitionKey,
        e.GetString("Name") ?? "",
        e.GetString("PublicKey") ?? "",
        e.GetString("PresharedKey"),
        EntityColumns.FromJson(e.GetString("Addresses")),
        EntityColumns.FromJson(e.GetString("AllowedIps")),
        e.GetInt32("PersistentKeepalive"),
        e.GetBoolean("Enabled") ?? true,
        e.GetDateTimeOffset("ExpiresAt"),
        e.GetString("Notes"),
        e.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.UnixEpoch,
        e.GetDateTimeOffset("UpdatedAt") ?? DateTimeOffset.UnixEpoch,
        e.ETag);
}

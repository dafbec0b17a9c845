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
/// peer and claim are written in one entity-group transaction, so a duplicate key fails atomically. Every such
/// transaction also replaces the node's stamp row (<see cref="StampRowKey"/>) with a new random value.
/// </summary>
public sealed class PeerStore(StorageClients storage)
{
    /// <summary>
    /// Row key of the node's stamp: a random value that every write of the node's peers replaces in the same
    /// transaction, so a stamp that has not changed proves that none of the node's peer rows has (see
    /// <see cref="Publishing.SnapshotLoader"/>). Writes to this table must go through this class.
    /// </summary>
    public const string StampRowKey = "stamp";

    /// <summary>
    /// Where the node's peer rows are split for reading: before these first characters of the random part of the id
    /// (<see cref="ResourceIds"/>: base32, <c>2</c>–<c>7</c> sort before <c>a</c>–<c>z</c>), eight ranges of four
    /// characters each. Table Storage returns at most 1,000 rows a page and a page's continuation comes with it, so a
    /// single query reads 10,000 peers one page after another; the ranges are read at once. They tile the whole
    /// <c>&lt;nodeId&gt;-p</c> … <c>&lt;nodeId&gt;-q</c> range, so a row whose id does not follow the alphabet is read too.
    /// </summary>
    private static readonly string[] RangeSplits = ["6", "c", "g", "k", "o", "s", "w"];

    /// <summary>The columns <see cref="ListForPublishingAsync"/> reads: what the desired state is compiled from.</summary>
    private static readonly string[] PublishingColumns =
        ["RowKey", "PublicKey", "PresharedKey", "Addresses", "AllowedIps", "PersistentKeepalive", "Enabled", "ExpiresAt", "CreatedAt"];

    private readonly TableClient table = storage.Table("peers");

    public Task<IReadOnlyList<Peer>> ListAsync(string nodeId, CancellationToken cancellationToken) =>
        ListRangesAsync(nodeId, null, cancellationToken);

    /// <summary>
    /// The node's peers with only the columns the desired state needs (a 10,000-peer node is read on every publish):
    /// <see cref="Peer.Name"/> is empty, <see cref="Peer.Notes"/> null and <see cref="Peer.UpdatedAt"/> is
    /// <see cref="Peer.CreatedAt"/>. Not for anything that shows or writes peers.
    /// </summary>
    public Task<IReadOnlyList<Peer>> ListForPublishingAsync(string nodeId, CancellationToken cancellationToken) =>
        ListRangesAsync(nodeId, PublishingColumns, cancellationToken);

    private async Task<IReadOnlyList<Peer>> ListRangesAsync(string nodeId, string[]? select, CancellationToken cancellationToken)
    {
        string[] bounds = [nodeId + "-p", .. RangeSplits.Select(c => nodeId + "-p" + c), nodeId + "-q"];
        var ranges = await Task.WhenAll(Enumerable.Range(0, bounds.Length - 1).Select(i => NodeChildRows.QueryAsync(
            table,
            TableClient.CreateQueryFilter($"PartitionKey eq {nodeId} and RowKey ge {bounds[i]} and RowKey lt {bounds[i + 1]}"),
            entity => ToModel(nodeId, entity),
            cancellationToken,
            select)));
        return [.. ranges.SelectMany(r => r)];
    }

    /// <summary>The node's current stamp (<see cref="StampRowKey"/>); null when its peers were never written through it.</summary>
    public async Task<string?> GetStampAsync(string nodeId, CancellationToken cancellationToken)
    {
        var response = await table.GetEntityIfExistsAsync<TableEntity>(nodeId, StampRowKey, ["Stamp"], cancellationToken);
        return response.HasValue ? response.Value!.GetString("Stamp") : null;
    }

    public Task<Peer?> GetAsync(string id, CancellationToken cancellationToken) =>
        NodeChildRows.GetAsync(table, id, ResourceIds.Peer, ToModel, cancellationToken);

    /// <summary>Adds the peer; false when another peer of the node has the same public key.</summary>
    public async Task<Peer?> CreateAsync(Peer peer, CancellationToken cancellationToken)
    {
        var actions = new[]
        {
            new TableTransactionAction(TableTransactionActionType.Add, ToEntity(peer)),
            new TableTransactionAction(TableTransactionActionType.Add, Claim(peer)),
            NewStamp(peer.NodeId),
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

        actions.Add(NewStamp(after.NodeId));

        try
        {
            // A failure is thrown as a RequestFailedException: 412, the peer changed since the client read it; 404, it was deleted meanwhile.
            var response = await NodeChildRows.SubmitAsync(table, actions, cancellationToken);
            return after with { ETag = response.Value[0].Headers.ETag ?? default };
        }
        catch (RequestFailedException e) when (e.Status == StatusCodes.Status409Conflict)
        {
            return null;
        }
    }

    /// <summary>Deletes the peer (if its ETag is <paramref name="ifMatch"/>) and its key claim together.</summary>
    public async Task DeleteAsync(Peer peer, ETag ifMatch, CancellationToken cancellationToken)
    {
        var actions = new[]
        {
            new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(peer.NodeId, peer.Id), ifMatch),
            new TableTransactionAction(TableTransactionActionType.Delete, Claim(peer), ETag.All),
            NewStamp(peer.NodeId),
        };
        try
        {
            await table.SubmitTransactionAsync(actions, cancellationToken);
        }
        catch (TableTransactionFailedException e) when (e.FailedTransactionActionIndex == 1 && e.Status == StatusCodes.Status404NotFound)
        {
            // The claim is already gone (a repaired partial state): delete the peer alone.
            await NodeChildRows.SubmitAsync(
                table,
                [new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(peer.NodeId, peer.Id), ifMatch), NewStamp(peer.NodeId)],
                cancellationToken);
        }
        catch (TableTransactionFailedException e)
        {
            throw new RequestFailedException(e.Status, e.Message, e.ErrorCode, e);
        }
    }

    /// <summary>Removes every row of a node's partition (node deletion).</summary>
    public Task DeletePartitionAsync(string nodeId, CancellationToken cancellationToken) => PartitionCleaner.DeleteAllAsync(table, nodeId, cancellationToken);

    private static TableTransactionAction NewStamp(string nodeId) =>
        new(TableTransactionActionType.UpsertReplace, new TableEntity(nodeId, StampRowKey) { ["Stamp"] = Guid.NewGuid().ToString("N") });

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

    /// <summary>Maps a row, also one read with only some columns (missing ones take their defaults).</summary>
    private static Peer ToModel(string nodeId, TableEntity e)
    {
        var addresses = e.GetString("Addresses");
        var allowedIps = e.GetString("AllowedIps");
        var parsedAddresses = EntityColumns.FromJson(addresses);
        var createdAt = e.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.UnixEpoch;
        return new(
            e.RowKey,
            nodeId,
            e.GetString("Name") ?? "",
            e.GetString("PublicKey") ?? "",
            e.GetString("PresharedKey"),
            parsedAddresses,
            // Allowed IPs usually are the addresses: parse the same column text once (the lists are never mutated).
            allowedIps == addresses ? parsedAddresses : EntityColumns.FromJson(allowedIps),
            e.GetInt32("PersistentKeepalive"),
            e.GetBoolean("Enabled") ?? true,
            e.GetDateTimeOffset("ExpiresAt"),
            e.GetString("Notes"),
            createdAt,
            e.GetDateTimeOffset("UpdatedAt") ?? createdAt,
            e.ETag);
    }
}

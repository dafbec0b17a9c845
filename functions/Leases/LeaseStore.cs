using System.Net;
using System.Security.Cryptography;
using Azure;
using Azure.Data.Tables;
using CloudWg.Functions.Nodes;
using CloudWg.Functions.Storage;

namespace CloudWg.Functions.Leases;

/// <summary>
/// IP leases in the <c>leases</c> table: partition = node id, row key = <c>v4.&lt;address&gt;</c> or
/// <c>v6.&lt;address&gt;</c>. An address is claimed by an insert, which Table Storage rejects when the row
/// exists, so two instances can never hand out the same address; deleting the row releases it.
/// </summary>
public sealed class LeaseStore(StorageClients storage, TimeProvider time)
{
    private const int MaxAttempts = 200;
    private readonly TableClient table = storage.Table("leases");

    /// <summary>
    /// Claims a free address of <paramref name="pool"/> for <paramref name="peerId"/>: the lowest free one first,
    /// and after a lost race a random free one among the lowest few, so concurrent creators spread out instead of
    /// colliding on the same address. Null when the network is full.
    /// </summary>
    public async Task<IPAddress?> ClaimAnyAsync(string nodeId, AddressPool pool, string peerId, CancellationToken cancellationToken)
    {
        var used = await UsedOffsetsAsync(nodeId, pool, cancellationToken);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var window = attempt == 0 ? UInt128.One : (UInt128)(used.Count + 16 + (8 * attempt));
            var candidate = PickFree(pool, used, window);
            if (candidate is null)
            {
                // Full as far as we know: re-read once, leases may have been released meanwhile.
                used = await UsedOffsetsAsync(nodeId, pool, cancellationToken);
                candidate = PickFree(pool, used, window);
                if (candidate is null)
                {
                    return null;
                }
            }

            var address = pool.At(candidate.Value);
            if (await TryClaimAsync(nodeId, pool, address, peerId, cancellationToken))
            {
                return address;
            }

            used.Add(candidate.Value);
            if (attempt % 8 == 7)
            {
                used = await UsedOffsetsAsync(nodeId, pool, cancellationToken);
            }
        }

        throw new RequestFailedException(StatusCodes.Status503ServiceUnavailable, "Too much contention allocating an address; try again.");
    }

    /// <summary>Claims exactly <paramref name="address"/>; false when another peer holds it.</summary>
    public async Task<bool> TryClaimAsync(string nodeId, AddressPool pool, IPAddress address, string peerId, CancellationToken cancellationToken)
    {
        try
        {
            await table.AddEntityAsync(
                new TableEntity(nodeId, RowKey(pool, address)) { ["PeerId"] = peerId, ["ClaimedAt"] = time.GetUtcNow() },
                cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == StatusCodes.Status409Conflict)
        {
            return false;
        }
    }

    /// <summary>Releases the leases of <paramref name="peerId"/> among <paramref name="addresses"/> (host CIDRs or addresses).</summary>
    public async Task ReleaseAsync(string nodeId, string peerId, IEnumerable<string> addresses, CancellationToken cancellationToken)
    {
        foreach (var text in addresses)
        {
            var host = text.Split('/')[0];
            if (!IPAddress.TryParse(host, out var address))
            {
                continue;
            }

            var rowKey = (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? "v4." : "v6.") + address;
            var existing = await table.GetEntityIfExistsAsync<TableEntity>(nodeId, rowKey, cancellationToken: cancellationToken);
            if (existing.HasValue && existing.Value!.GetString("PeerId") == peerId)
            {
                try
                {
                    await table.DeleteEntityAsync(nodeId, rowKey, existing.Value.ETag, cancellationToken);
                }
                catch (RequestFailedException e) when (e.Status is StatusCodes.Status404NotFound or StatusCodes.Status412PreconditionFailed)
                {
                    // Released or re-claimed meanwhile; either way it is no longer ours.
                }
            }
        }
    }

    /// <summary>Every lease of a node: row key → (peer id, claimed at).</summary>
    public async Task<IReadOnlyList<(string RowKey, string PeerId, DateTimeOffset ClaimedAt, ETag ETag)>> ListAsync(string nodeId, CancellationToken cancellationToken)
    {
        var leases = new List<(string, string, DateTimeOffset, ETag)>();
        await foreach (var e in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {nodeId}"), cancellationToken: cancellationToken))
        {
            leases.Add((e.RowKey, e.GetString("PeerId") ?? "", e.GetDateTimeOffset("ClaimedAt") ?? DateTimeOffset.UnixEpoch, e.ETag));
        }

        return leases;
    }

    public async Task DeleteAsync(string nodeId, string rowKey, ETag etag, CancellationToken cancellationToken)
    {
        try
        {
            await table.DeleteEntityAsync(nodeId, rowKey, etag, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is StatusCodes.Status404NotFound or StatusCodes.Status412PreconditionFailed)
        {
            // Someone else released or re-claimed it.
        }
    }

    public Task DeletePartitionAsync(string nodeId, CancellationToken cancellationToken) => PartitionCleaner.DeleteAllAsync(table, nodeId, cancellationToken);

    private async Task<HashSet<UInt128>> UsedOffsetsAsync(string nodeId, AddressPool pool, CancellationToken cancellationToken)
    {
        var used = new HashSet<UInt128>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {nodeId} and RowKey ge {pool.Prefix} and RowKey lt {pool.Prefix[..^1] + "/"}");
        await foreach (var e in table.QueryAsync<TableEntity>(filter, select: ["RowKey"], cancellationToken: cancellationToken))
        {
            if (IPAddress.TryParse(e.RowKey.AsSpan(pool.Prefix.Length), out var address) && pool.OffsetOf(address) is { } offset)
            {
                used.Add(offset);
            }
        }

        return used;
    }

    /// <summary>A free offset: the first free one at or after a random start within the lowest <paramref name="window"/> offsets, wrapping around.</summary>
    private static UInt128? PickFree(AddressPool pool, HashSet<UInt128> used, UInt128 window)
    {
        if (pool.Count == 0 || (UInt128)used.Count >= pool.Count)
        {
            return null;
        }

        var span = UInt128.Min(window, pool.Count);
        var start = pool.First + RandomBelow(span);
        for (var offset = start; offset <= pool.Last; offset++)
        {
            if (!used.Contains(offset))
            {
                return offset;
            }
        }

        for (var offset = pool.First; offset < start; offset++)
        {
            if (!used.Contains(offset))
            {
                return offset;
            }
        }

        return null;
    }

    private static UInt128 RandomBelow(UInt128 bound) =>
        bound <= 1 ? 0 : (UInt128)RandomNumberGenerator.GetInt32((int)UInt128.Min(bound, int.MaxValue));

    private static string RowKey(AddressPool pool, IPAddress address) => pool.Prefix + address;
}

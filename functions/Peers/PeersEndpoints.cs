using System.Net;
using Azure;
using CloudWg.Functions.Auth;
using CloudWg.Functions.Changes;
using CloudWg.Functions.Leases;
using CloudWg.Functions.Nodes;
using CloudWg.Functions.Reports;
using CloudWg.Functions.Validation;
using CloudWg.Protocol.Messages;
using CloudWg.Protocol.Validation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CloudWg.Functions.Peers;

public static class PeersEndpoints
{
    public static IEndpointRouteBuilder MapPeers(this IEndpointRouteBuilder app)
    {
        var read = app.MapGroup("/api").WithTags("Peers").RequireAuthorization(Policies.Viewer);
        read.MapGet("/nodes/{nodeId}/peers", ListPeers).WithSummary("The node's peers.");
        read.MapGet("/peers/{id}", GetPeer).WithSummary("One peer.");

        var write = app.MapGroup("/api").WithTags("Peers").RequireAuthorization(Policies.Admin);
        write.MapPost("/nodes/{nodeId}/peers", CreatePeer).Accepts<PeerRequest>("application/json")
            .WithSummary("Adds a peer; addresses are allocated from the node's networks unless given.");
        write.MapPatch("/peers/{id}", PatchPeer).Accepts<PeerRequest>("application/json", "application/merge-patch+json")
            .WithSummary("Changes a peer (merge patch; If-Match required).");
        write.MapDelete("/peers/{id}", DeletePeer).WithSummary("Deletes a peer and frees its addresses (If-Match required).");
        return app;
    }

    public static async Task<Results<Ok<PeerResponse[]>, ProblemHttpResult>> ListPeers(
        string nodeId, NodeStore nodes, PeerStore peers, NodeRuntimeStore runtime, CancellationToken ct)
    {
        if (await nodes.GetAsync(nodeId, ct) is null)
        {
            return Problems.NotFound($"There is no node with id '{nodeId}'.");
        }

        var stats = StatsByKey(await runtime.GetPeerStatsAsync(nodeId, ct));
        return TypedResults.Ok((await peers.ListAsync(nodeId, ct))
            .OrderBy(p => p.CreatedAt).ThenBy(p => p.Id, StringComparer.Ordinal)
            .Select(p => ToResponse(p, stats.GetValueOrDefault(p.PublicKey)))
            .ToArray());
    }

    public static async Task<Results<Ok<PeerResponse>, ProblemHttpResult>> GetPeer(string id, HttpContext context, PeerStore peers, NodeRuntimeStore runtime, CancellationToken ct)
    {
        var peer = await peers.GetAsync(id, ct);
        if (peer is null)
        {
            return NotFound(id);
        }

        IfMatch.SetHeader(context, peer.ETag);
        var stats = StatsByKey(await runtime.GetPeerStatsAsync(peer.NodeId, ct));
        return TypedResults.Ok(ToResponse(peer, stats.GetValueOrDefault(peer.PublicKey)));
    }

    private static Dictionary<string, PeerStats> StatsByKey(IReadOnlyList<PeerStats> stats) =>
        stats.DistinctBy(s => s.PublicKey).ToDictionary(s => s.PublicKey, StringComparer.Ordinal);

    public static async Task<Results<Created<PeerResponse>, ValidationProblem, ProblemHttpResult>> CreatePeer(
        string nodeId, HttpContext context, NodeStore nodes, PeerStore peers, LeaseStore leases, ChangeRecorder changes, TimeProvider time, CancellationToken ct)
    {
        var node = await nodes.GetAsync(nodeId, ct);
        if (node is null)
        {
            return Problems.NotFound($"There is no node with id '{nodeId}'.");
        }

        var (reader, problem) = await RequestBody.ReadAsync(context.Request, patch: false, ct);
        if (problem is not null)
        {
            return problem;
        }

        var id = ResourceIds.NewChildId(nodeId, ResourceIds.Peer);
        var (peer, requested) = PeerInput.Read(reader!, node, null, id, time.GetUtcNow());
        reader!.RejectUnknown();
        if (!reader.IsValid)
        {
            return Problems.Validation(reader.Errors);
        }

        var existing = await peers.ListAsync(nodeId, ct);
        if (existing.FirstOrDefault(p => p.PublicKey == peer.PublicKey) is { } twin)
        {
            return Problems.Conflict($"Peer '{twin.Name}' ({twin.Id}) on this node already has this public key; each device needs its own key pair.");
        }

        var claimed = new List<IPAddress>();
        var pools = Pools(node);
        if (requested is not null)
        {
            foreach (var address in requested)
            {
                if (!await leases.TryClaimAsync(nodeId, pools.First(p => p.Family == address.AddressFamily), address, id, ct))
                {
                    await leases.ReleaseAsync(nodeId, id, claimed.Select(PeerInput.HostCidr), ct);
                    return Problems.Conflict($"Address {address} is already used by another peer of this node; leave addresses out to get a free one.");
                }

                claimed.Add(address);
            }
        }
        else
        {
            foreach (var pool in pools)
            {
                var address = await leases.ClaimAnyAsync(nodeId, pool, id, ct);
                if (address is null)
                {
                    await leases.ReleaseAsync(nodeId, id, claimed.Select(PeerInput.HostCidr), ct);
                    return Problems.Conflict($"Network {pool.Network} of this node has no free address left; delete unused peers or give the node a larger network.");
                }

                claimed.Add(address);
            }
        }

        var addresses = claimed.Select(PeerInput.HostCidr).ToList();
        peer = peer with { Addresses = addresses, AllowedIps = peer.AllowedIps.Count > 0 ? peer.AllowedIps : addresses };
        if (Overlap(peer, existing) is { } overlapping)
        {
            await leases.ReleaseAsync(nodeId, id, addresses, ct);
            return overlapping;
        }

        var created = await peers.CreateAsync(peer, ct);
        if (created is null)
        {
            await leases.ReleaseAsync(nodeId, id, addresses, ct);
            return Problems.Conflict("Another peer on this node already has this public key; each device needs its own key pair.");
        }

        await changes.CommittedAsync(MutationContext.From(context), ChangeActions.Peer, ChangeActions.Created, id, nodeId, null, created.ETag);
        IfMatch.SetHeader(context, created.ETag);
        return TypedResults.Created($"/api/peers/{id}", ToResponse(created));
    }

    public static async Task<Results<Ok<PeerResponse>, ValidationProblem, ProblemHttpResult>> PatchPeer(
        string id, HttpContext context, NodeStore nodes, PeerStore peers, ChangeRecorder changes, TimeProvider time, CancellationToken ct)
    {
        var (etag, precondition) = IfMatch.Read(context.Request);
        var before = await peers.GetAsync(id, ct);
        var node = before is null ? null : await nodes.GetAsync(before.NodeId, ct);
        if (before is null || node is null)
        {
            return NotFound(id);
        }

        if (precondition is not null)
        {
            return precondition;
        }

        var (reader, problem) = await RequestBody.ReadAsync(context.Request, patch: true, ct);
        if (problem is not null)
        {
            return problem;
        }

        var (after, _) = PeerInput.Read(reader!, node, before, id, time.GetUtcNow());
        reader!.RejectUnknown();
        if (!reader.IsValid)
        {
            return Problems.Validation(reader.Errors);
        }

        var others = (await peers.ListAsync(before.NodeId, ct)).Where(p => p.Id != id).ToList();
        if (others.FirstOrDefault(p => p.PublicKey == after.PublicKey) is { } twin)
        {
            return Problems.Conflict($"Peer '{twin.Name}' ({twin.Id}) on this node already has this public key.");
        }

        if (Overlap(after, others) is { } overlapping)
        {
            return overlapping;
        }

        Peer? updated;
        try
        {
            updated = await peers.UpdateAsync(before, after, etag == ETag.All ? before.ETag : etag, ct);
        }
        catch (RequestFailedException e) when (RequestBody.FromStorage(e, $"Peer {id}") is { } answer)
        {
            return answer;
        }

        if (updated is null)
        {
            return Problems.Conflict("Another peer on this node already has this public key.");
        }

        await changes.CommittedAsync(MutationContext.From(context), ChangeActions.Peer, ChangeActions.Updated, id, before.NodeId, before.ETag, updated.ETag);
        IfMatch.SetHeader(context, updated.ETag);
        return TypedResults.Ok(ToResponse(updated));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeletePeer(
        string id, HttpContext context, PeerStore peers, LeaseStore leases, ChangeRecorder changes, CancellationToken ct) =>
        await ConditionalDelete.RunAsync(
            context,
            await peers.GetAsync(id, ct),
            NotFound(id),
            $"Peer {id}",
            peers.DeleteAsync,
            async peer =>
            {
                await leases.ReleaseAsync(peer.NodeId, id, peer.Addresses, ct);
                await changes.CommittedAsync(MutationContext.From(context), ChangeActions.Peer, ChangeActions.Deleted, id, peer.NodeId, peer.ETag, null);
            },
            ct);

    private static List<AddressPool> Pools(Node node)
    {
        var pools = new List<AddressPool> { AddressPool.Parse(node.Ipv4Network) };
        if (node.Ipv6Network is { Length: > 0 } v6)
        {
            pools.Add(AddressPool.Parse(v6));
        }

        return pools;
    }

    /// <summary>A 409 when the peer's allowed IPs overlap another peer's (WireGuard routes an address to one peer only).</summary>
    private static ProblemHttpResult? Overlap(Peer peer, IEnumerable<Peer> others)
    {
        var mine = peer.AllowedIps.Select(c => Cidr.TryParseCanonical(c, out var n) ? n : (IPNetwork?)null).OfType<IPNetwork>().ToList();
        foreach (var other in others)
        {
            foreach (var cidr in other.AllowedIps)
            {
                if (!Cidr.TryParseCanonical(cidr, out var theirs))
                {
                    continue;
                }

                foreach (var hit in mine.Where(m => Cidr.Overlaps(m, theirs)))
                {
                    return Problems.Conflict($"allowedIps {hit} overlaps {cidr} of peer '{other.Name}' ({other.Id}); an address can be routed to one peer only.");
                }
            }
        }

        return null;
    }

    private static ProblemHttpResult NotFound(string id) => Problems.NotFound($"There is no peer with id '{id}'.");

    private static PeerResponse ToResponse(Peer p) => ToResponse(p, null);

    /// <summary>Maps a peer for the API, with the stats its node last reported for it (null before any report).</summary>
    private static PeerResponse ToResponse(Peer p, PeerStats? stats) => new(
        p.Id,
        p.NodeId,
        p.Name,
        p.PublicKey,
        p.PresharedKey is not null,
        p.Addresses,
        p.AllowedIps,
        p.PersistentKeepalive,
        p.Enabled,
        p.ExpiresAt,
        p.Notes,
        IfMatch.ToApi(p.ETag),
        p.CreatedAt,
        p.UpdatedAt,
        stats?.LastHandshake,
        stats?.Endpoint,
        stats?.RxBytes,
        stats?.TxBytes);
}

using System.Text.Json;
using Azure;
using CloudWg.Functions.Auth;
using CloudWg.Functions.Changes;
using CloudWg.Functions.FirewallRules;
using CloudWg.Functions.Leases;
using CloudWg.Functions.Peers;
using CloudWg.Functions.Publishing;
using CloudWg.Functions.Reports;
using CloudWg.Functions.Routes;
using CloudWg.Functions.Storage;
using CloudWg.Functions.Validation;
using CloudWg.Protocol.Json;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CloudWg.Functions.Nodes;

public static class NodesEndpoints
{
    public static IEndpointRouteBuilder MapNodes(this IEndpointRouteBuilder app)
    {
        var read = app.MapGroup("/api/nodes").WithTags("Nodes").RequireAuthorization(Policies.Viewer);
        read.MapGet("/", ListNodes).WithSummary("All nodes.");
        read.MapGet("/{id}", GetNode).WithSummary("One node.");
        read.MapGet("/{id}/desired-state", GetDesiredState).WithSummary("The node's latest published desired state, decoded, and whether it is current.");

        var write = app.MapGroup("/api/nodes").WithTags("Nodes").RequireAuthorization(Policies.Admin);
        write.MapPost("/", CreateNode).Accepts<NodeRequest>("application/json").WithSummary("Creates a node.");
        write.MapPatch("/{id}", PatchNode).Accepts<NodeRequest>("application/json", "application/merge-patch+json")
            .WithSummary("Changes a node (merge patch; If-Match required).");
        write.MapDelete("/{id}", DeleteNode).WithSummary("Deletes a node with its peers, routes, rules, queue and blob (If-Match required).");
        return app;
    }

    public static async Task<Ok<NodeResponse[]>> ListNodes(NodeStore nodes, PublicationStore publications, NodeRuntimeStore runtime, CancellationToken ct)
    {
        var list = await nodes.ListAsync(ct);
        var versions = await Task.WhenAll(list.Select(n => publications.GetAsync(n.Id, ct)));
        var reported = (await runtime.ListAsync(ct)).ToDictionary(r => r.NodeId);
        return TypedResults.Ok(list.Zip(versions, (n, p) => ToResponse(n, p, reported.GetValueOrDefault(n.Id))).OrderBy(n => n.Name, StringComparer.Ordinal).ToArray());
    }

    public static async Task<Results<Ok<NodeResponse>, ProblemHttpResult>> GetNode(
        string id, HttpContext context, NodeStore nodes, PublicationStore publications, NodeRuntimeStore runtime, CancellationToken ct)
    {
        var node = await nodes.GetAsync(id, ct);
        if (node is null)
        {
            return NotFound(id);
        }

        IfMatch.SetHeader(context, node.ETag);
        return TypedResults.Ok(ToResponse(node, await publications.GetAsync(id, ct), await runtime.GetAsync(id, ct)));
    }

    public static async Task<Results<Created<NodeResponse>, ValidationProblem, ProblemHttpResult>> CreateNode(
        HttpContext context, NodeStore nodes, StorageClients storage, ChangeRecorder changes, PublicationStore publications, TimeProvider time, CancellationToken ct)
    {
        var (reader, problem) = await RequestBody.ReadAsync(context.Request, patch: false, ct);
        if (problem is not null)
        {
            return problem;
        }

        var node = NodeInput.Read(reader!, null, ResourceIds.NewNodeId(), time.GetUtcNow());
        reader!.RejectUnknown();
        if (!reader.IsValid)
        {
            return Problems.Validation(reader.Errors);
        }

        node = await nodes.CreateAsync(node, ct);
        await storage.Queues.GetQueueClient(storage.Names.NodeQueue(node.Id)).CreateIfNotExistsAsync(cancellationToken: ct);
        await changes.CommittedAsync(MutationContext.From(context), ChangeActions.Node, ChangeActions.Created, node.Id, node.Id, null, node.ETag);
        IfMatch.SetHeader(context, node.ETag);
        return TypedResults.Created($"/api/nodes/{node.Id}", ToResponse(node, await publications.GetAsync(node.Id, ct)));
    }

    public static async Task<Results<Ok<NodeResponse>, ValidationProblem, ProblemHttpResult>> PatchNode(
        string id, HttpContext context, NodeStore nodes, LeaseStore leases, ChangeRecorder changes, PublicationStore publications, TimeProvider time, CancellationToken ct)
    {
        var (etag, precondition) = IfMatch.Read(context.Request);
        var existing = await nodes.GetAsync(id, ct);
        if (existing is null)
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

        var node = NodeInput.Read(reader!, existing, id, time.GetUtcNow());
        reader!.RejectUnknown();
        if (!reader.IsValid)
        {
            return Problems.Validation(reader.Errors);
        }

        if ((node.Ipv4Network != existing.Ipv4Network || node.Ipv6Network != existing.Ipv6Network) && (await leases.ListAsync(id, ct)).Count > 0)
        {
            return Problems.Conflict("The node's networks cannot change while peers hold addresses in them: delete its peers first.");
        }

        try
        {
            node = await nodes.UpdateAsync(node, etag == ETag.All ? existing.ETag : etag, ct);
        }
        catch (RequestFailedException e) when (RequestBody.FromStorage(e, $"Node {id}") is { } answer)
        {
            return answer;
        }

        await changes.CommittedAsync(MutationContext.From(context), ChangeActions.Node, ChangeActions.Updated, id, id, existing.ETag, node.ETag);
        IfMatch.SetHeader(context, node.ETag);
        return TypedResults.Ok(ToResponse(node, await publications.GetAsync(id, ct)));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteNode(
        string id, HttpContext context, NodeStore nodes, PeerStore peers, RouteStore routes, FirewallRuleStore rules, LeaseStore leases,
        PublicationStore publications, DesiredStateBlobs blobs, StorageClients storage, ChangeRecorder changes, CancellationToken ct)
    {
        var (etag, precondition) = IfMatch.Read(context.Request);
        var existing = await nodes.GetAsync(id, ct);
        if (existing is null)
        {
            return NotFound(id);
        }

        if (precondition is not null)
        {
            return precondition;
        }

        try
        {
            await nodes.DeleteAsync(id, etag, ct);
        }
        catch (RequestFailedException e) when (RequestBody.FromStorage(e, $"Node {id}") is { } answer)
        {
            return answer;
        }

        // The node row is gone, so nothing publishes to it any more; now remove what hung off it.
        await Task.WhenAll(
            peers.DeletePartitionAsync(id, ct),
            routes.DeletePartitionAsync(id, ct),
            rules.DeletePartitionAsync(id, ct),
            leases.DeletePartitionAsync(id, ct),
            publications.DeleteAsync(id, ct),
            blobs.DeleteAsync(id, ct),
            storage.Queues.GetQueueClient(storage.Names.NodeQueue(id)).DeleteIfExistsAsync(ct));
        await changes.CommittedAsync(MutationContext.From(context), ChangeActions.Node, ChangeActions.Deleted, id, id, existing.ETag, null, publish: false);
        return TypedResults.NoContent();
    }

    public static async Task<Results<Ok<DesiredStatePreview>, ProblemHttpResult>> GetDesiredState(
        string id, NodeStore nodes, SnapshotLoader snapshots, PublicationStore publications, DesiredStateBlobs blobs, TimeProvider time, CancellationToken ct)
    {
        var snapshot = await snapshots.LoadAsync(id, ct);
        if (snapshot is null)
        {
            return NotFound(id);
        }

        var publication = await publications.GetAsync(id, ct);
        var blob = await blobs.ReadVerifiedAsync(id, ct);
        var current = DesiredStateCompiler.ConfigHash(DesiredStateCompiler.Compile(snapshot, 1, time.GetUtcNow()));
        var inSync = blob.Document is not null && publication?.ConfigHash == current && blob.Sha256 == publication.PublishedSha256;
        JsonElement? document = null;
        if (blob.Document is not null)
        {
            using var json = JsonDocument.Parse(CanonicalJson.Serialize(blob.Document));
            document = json.RootElement.Clone();
        }

        return TypedResults.Ok(new DesiredStatePreview(id, blob.Document?.Version ?? 0, blob.Sha256, publication?.PublishedAt, inSync, document));
    }

    private static ProblemHttpResult NotFound(string id) => Problems.NotFound($"There is no node with id '{id}'.");

    /// <summary>
    /// Maps a node for the API. Once the node reports, its liveness (online/offline), applied version and last-seen
    /// time come from the report row (<see cref="NodeRuntimeStore"/>); a revoked node stays revoked.
    /// </summary>
    private static NodeResponse ToResponse(Node n, Publication? p, NodeRuntime? r = null) => new(
        n.Id,
        n.Name,
        n.Endpoint,
        n.ListenPort,
        n.Ipv4Network,
        n.Ipv6Network,
        n.Mtu,
        n.PersistentKeepalive,
        n.L4Listen,
        n.Dns,
        n.FirewallPolicy,
        n.Egress,
        n.EgressInterface,
        n.PublicKey,
        n.Status == NodeStatuses.Revoked || r is null ? n.Status : r.Status,
        p?.PublishedVersion ?? 0,
        r?.AppliedVersion,
        r?.LastSeenAt,
        r?.L4Proxy,
        IfMatch.ToApi(n.ETag),
        n.CreatedAt,
        n.UpdatedAt);
}

using Azure;
using CloudWg.Functions.Auth;
using CloudWg.Functions.Changes;
using CloudWg.Functions.Nodes;
using CloudWg.Functions.Peers;
using CloudWg.Functions.Validation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CloudWg.Functions.Routes;

public static class RoutesEndpoints
{
    public static IEndpointRouteBuilder MapRoutes(this IEndpointRouteBuilder app)
    {
        var read = app.MapGroup("/api").WithTags("Routes").RequireAuthorization(Policies.Viewer);
        read.MapGet("/nodes/{nodeId}/routes", ListRoutes).WithSummary("The node's SNI routes.");
        read.MapGet("/routes/{id}", GetRoute).WithSummary("One route.");

        var write = app.MapGroup("/api").WithTags("Routes").RequireAuthorization(Policies.Admin);
        write.MapPost("/nodes/{nodeId}/routes", CreateRoute).Accepts<RouteRequest>("application/json").WithSummary("Adds an SNI passthrough route to a peer.");
        write.MapPatch("/routes/{id}", PatchRoute).Accepts<RouteRequest>("application/json", "application/merge-patch+json")
            .WithSummary("Changes a route (merge patch; If-Match required).");
        write.MapDelete("/routes/{id}", DeleteRoute).WithSummary("Deletes a route (If-Match required).");
        return app;
    }

    public static async Task<Results<Ok<RouteResponse[]>, ProblemHttpResult>> ListRoutes(string nodeId, NodeStore nodes, RouteStore routes, CancellationToken ct)
    {
        if (await nodes.GetAsync(nodeId, ct) is null)
        {
            return Problems.NotFound($"There is no node with id '{nodeId}'.");
        }

        return TypedResults.Ok((await routes.ListAsync(nodeId, ct)).OrderBy(r => r.CreatedAt).ThenBy(r => r.Id, StringComparer.Ordinal).Select(ToResponse).ToArray());
    }

    public static async Task<Results<Ok<RouteResponse>, ProblemHttpResult>> GetRoute(string id, HttpContext context, RouteStore routes, CancellationToken ct)
    {
        var route = await routes.GetAsync(id, ct);
        if (route is null)
        {
            return NotFound(id);
        }

        IfMatch.SetHeader(context, route.ETag);
        return TypedResults.Ok(ToResponse(route));
    }

    public static async Task<Results<Created<RouteResponse>, ValidationProblem, ProblemHttpResult>> CreateRoute(
        string nodeId, HttpContext context, NodeStore nodes, PeerStore peers, RouteStore routes, ChangeRecorder changes, TimeProvider time, CancellationToken ct)
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

        var id = ResourceIds.NewChildId(nodeId, ResourceIds.Route);
        var route = RouteInput.Read(reader!, node, null, id, time.GetUtcNow());
        await CheckPeerAsync(reader!, route, peers, ct);
        reader!.RejectUnknown();
        if (!reader.IsValid)
        {
            return Problems.Validation(reader.Errors);
        }

        var created = await routes.CreateAsync(route, ct);
        if (created is null)
        {
            return await DuplicateAsync(routes, route, null, ct);
        }

        await changes.CommittedAsync(MutationContext.From(context), ChangeActions.Route, ChangeActions.Created, id, nodeId, null, created.ETag);
        IfMatch.SetHeader(context, created.ETag);
        return TypedResults.Created($"/api/routes/{id}", ToResponse(created));
    }

    public static async Task<Results<Ok<RouteResponse>, ValidationProblem, ProblemHttpResult>> PatchRoute(
        string id, HttpContext context, NodeStore nodes, PeerStore peers, RouteStore routes, ChangeRecorder changes, TimeProvider time, CancellationToken ct)
    {
        var (etag, precondition) = IfMatch.Read(context.Request);
        var before = await routes.GetAsync(id, ct);
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

        var after = RouteInput.Read(reader!, node, before, id, time.GetUtcNow());
        if (reader!.IsPresent("peerId"))
        {
            await CheckPeerAsync(reader, after, peers, ct);
        }

        reader.RejectUnknown();
        if (!reader.IsValid)
        {
            return Problems.Validation(reader.Errors);
        }

        SniRoute? updated;
        try
        {
            updated = await routes.UpdateAsync(before, after, etag == ETag.All ? before.ETag : etag, ct);
        }
        catch (RequestFailedException e) when (RequestBody.FromStorage(e, $"Route {id}") is { } answer)
        {
            return answer;
        }

        if (updated is null)
        {
            return await DuplicateAsync(routes, after, before, ct);
        }

        await changes.CommittedAsync(MutationContext.From(context), ChangeActions.Route, ChangeActions.Updated, id, before.NodeId, before.ETag, updated.ETag);
        IfMatch.SetHeader(context, updated.ETag);
        return TypedResults.Ok(ToResponse(updated));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteRoute(string id, HttpContext context, RouteStore routes, ChangeRecorder changes, CancellationToken ct) =>
        await ConditionalDelete.RunAsync(
            context,
            await routes.GetAsync(id, ct),
            NotFound(id),
            $"Route {id}",
            routes.DeleteAsync,
            route => changes.CommittedAsync(MutationContext.From(context), ChangeActions.Route, ChangeActions.Deleted, id, route.NodeId, route.ETag, null),
            ct);

    private static async Task CheckPeerAsync(FieldReader reader, SniRoute route, PeerStore peers, CancellationToken ct)
    {
        if (route.PeerId.Length > 0 && (await peers.GetAsync(route.PeerId, ct))?.NodeId != route.NodeId)
        {
            reader.Error("peerId", "must be the id of a peer of this node.");
        }
    }

    private static async Task<ProblemHttpResult> DuplicateAsync(RouteStore routes, SniRoute route, SniRoute? before, CancellationToken ct)
    {
        foreach (var name in before?.Listen == route.Listen ? route.Sni.Except(before.Sni) : route.Sni)
        {
            if (await routes.OwnerOfAsync(route.NodeId, route.Listen, name, ct) is { } owner)
            {
                return Problems.Conflict($"{name} is already routed on listener {route.Listen} by route {owner}; each name can go to one upstream only.");
            }
        }

        return Problems.Conflict("One of the names is already routed on this node; each name can go to one upstream only.");
    }

    private static ProblemHttpResult NotFound(string id) => Problems.NotFound($"There is no route with id '{id}'.");

    private static RouteResponse ToResponse(SniRoute r) => new(
        r.Id, r.NodeId, r.Listen, r.Sni, r.PeerId, r.Port, WireEnums.Name(r.ProxyProtocol), r.Enabled, IfMatch.ToApi(r.ETag), r.CreatedAt, r.UpdatedAt);
}

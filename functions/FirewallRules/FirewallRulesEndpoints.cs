using Azure;
using CloudWg.Functions.Auth;
using CloudWg.Functions.Changes;
using CloudWg.Functions.Nodes;
using CloudWg.Functions.Peers;
using CloudWg.Functions.Validation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CloudWg.Functions.FirewallRules;

public static class FirewallRulesEndpoints
{
    public static IEndpointRouteBuilder MapFirewallRules(this IEndpointRouteBuilder app)
    {
        var read = app.MapGroup("/api").WithTags("Firewall rules").RequireAuthorization(Policies.Viewer);
        read.MapGet("/nodes/{nodeId}/firewall-rules", ListRules).WithSummary("The node's firewall rules, in evaluation order.");
        read.MapGet("/firewall-rules/{id}", GetRule).WithSummary("One firewall rule.");

        var write = app.MapGroup("/api").WithTags("Firewall rules").RequireAuthorization(Policies.Admin);
        write.MapPost("/nodes/{nodeId}/firewall-rules", CreateRule).Accepts<FirewallRuleRequest>("application/json").WithSummary("Adds a firewall rule.");
        write.MapPatch("/firewall-rules/{id}", PatchRule).Accepts<FirewallRuleRequest>("application/json", "application/merge-patch+json")
            .WithSummary("Changes a firewall rule (merge patch; If-Match required).");
        write.MapDelete("/firewall-rules/{id}", DeleteRule).WithSummary("Deletes a firewall rule (If-Match required).");
        return app;
    }

    public static async Task<Results<Ok<FirewallRuleResponse[]>, ProblemHttpResult>> ListRules(string nodeId, NodeStore nodes, FirewallRuleStore rules, CancellationToken ct)
    {
        if (await nodes.GetAsync(nodeId, ct) is null)
        {
            return Problems.NotFound($"There is no node with id '{nodeId}'.");
        }

        return TypedResults.Ok((await rules.ListAsync(nodeId, ct)).OrderBy(r => r.Priority).ThenBy(r => r.Id, StringComparer.Ordinal).Select(ToResponse).ToArray());
    }

    public static async Task<Results<Ok<FirewallRuleResponse>, ProblemHttpResult>> GetRule(string id, HttpContext context, FirewallRuleStore rules, CancellationToken ct)
    {
        var rule = await rules.GetAsync(id, ct);
        if (rule is null)
        {
            return NotFound(id);
        }

        IfMatch.SetHeader(context, rule.ETag);
        return TypedResults.Ok(ToResponse(rule));
    }

    public static async Task<Results<Created<FirewallRuleResponse>, ValidationProblem, ProblemHttpResult>> CreateRule(
        string nodeId, HttpContext context, NodeStore nodes, PeerStore peers, FirewallRuleStore rules, ChangeRecorder changes, TimeProvider time, CancellationToken ct)
    {
        if (await nodes.GetAsync(nodeId, ct) is null)
        {
            return Problems.NotFound($"There is no node with id '{nodeId}'.");
        }

        var (reader, problem) = await RequestBody.ReadAsync(context.Request, patch: false, ct);
        if (problem is not null)
        {
            return problem;
        }

        var id = ResourceIds.NewChildId(nodeId, ResourceIds.FirewallRule);
        var peerIds = (await peers.ListAsync(nodeId, ct)).Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
        var rule = FirewallRuleInput.Read(reader!, nodeId, null, id, peerIds, time.GetUtcNow());
        reader!.RejectUnknown();
        if (!reader.IsValid)
        {
            return Problems.Validation(reader.Errors);
        }

        var created = await rules.CreateAsync(rule, ct);
        await changes.CommittedAsync(MutationContext.From(context), ChangeActions.FirewallRule, ChangeActions.Created, id, nodeId, null, created.ETag);
        IfMatch.SetHeader(context, created.ETag);
        return TypedResults.Created($"/api/firewall-rules/{id}", ToResponse(created));
    }

    public static async Task<Results<Ok<FirewallRuleResponse>, ValidationProblem, ProblemHttpResult>> PatchRule(
        string id, HttpContext context, PeerStore peers, FirewallRuleStore rules, ChangeRecorder changes, TimeProvider time, CancellationToken ct)
    {
        var (etag, precondition) = IfMatch.Read(context.Request);
        var before = await rules.GetAsync(id, ct);
        if (before is null)
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

        var peerIds = (await peers.ListAsync(before.NodeId, ct)).Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
        var after = FirewallRuleInput.Read(reader!, before.NodeId, before, id, peerIds, time.GetUtcNow());
        reader!.RejectUnknown();
        if (!reader.IsValid)
        {
            return Problems.Validation(reader.Errors);
        }

        FirewallRule updated;
        try
        {
            updated = await rules.UpdateAsync(after, etag == ETag.All ? before.ETag : etag, ct);
        }
        catch (RequestFailedException e) when (RequestBody.FromStorage(e, $"Firewall rule {id}") is { } answer)
        {
            return answer;
        }

        await changes.CommittedAsync(MutationContext.From(context), ChangeActions.FirewallRule, ChangeActions.Updated, id, before.NodeId, before.ETag, updated.ETag);
        IfMatch.SetHeader(context, updated.ETag);
        return TypedResults.Ok(ToResponse(updated));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteRule(string id, HttpContext context, FirewallRuleStore rules, ChangeRecorder changes, CancellationToken ct) =>
        await ConditionalDelete.RunAsync(
            context,
            await rules.GetAsync(id, ct),
            NotFound(id),
            $"Firewall rule {id}",
            rules.DeleteAsync,
            rule => changes.CommittedAsync(MutationContext.From(context), ChangeActions.FirewallRule, ChangeActions.Deleted, id, rule.NodeId, rule.ETag, null),
            ct);

    private static ProblemHttpResult NotFound(string id) => Problems.NotFound($"There is no firewall rule with id '{id}'.");

    private static FirewallRuleResponse ToResponse(FirewallRule r) => new(
        r.Id,
        r.NodeId,
        WireEnums.Name(r.Direction),
        WireEnums.Name(r.Protocol),
        r.Ports,
        r.Sources,
        r.Destinations,
        WireEnums.Name(r.Action),
        r.Priority,
        r.Comment,
        r.Enabled,
        IfMatch.ToApi(r.ETag),
        r.CreatedAt,
        r.UpdatedAt);
}

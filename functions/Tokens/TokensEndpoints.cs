using CloudWg.Functions.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CloudWg.Functions.Tokens;

/// <summary>
/// API tokens of the signed-in admin. Managed through a session only: a token cannot mint or revoke tokens, so a
/// leaked token cannot extend its own life.
/// </summary>
public static class TokensEndpoints
{
    public const int DefaultExpiryDays = 30;
    public const int MaxExpiryDays = 365;

    public static IEndpointRouteBuilder MapTokens(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/tokens").WithTags("Tokens").RequireAuthorization(Policies.Session);
        group.MapGet("/", List).WithSummary("Your API tokens (an owner sees everyone's), newest first, with last-used times.");
        group.MapPost("/", Create).Accepts<CreateTokenRequest>("application/json").WithSummary("A new token; the secret is in this response only.");
        group.MapDelete("/{id}", Revoke);
        return app;
    }

    public static async Task<Ok<IReadOnlyList<ApiTokenDto>>> List(HttpContext context, ApiTokenStore tokens)
    {
        var adminId = context.User.IsInRole(Roles.Owner) ? null : AdminPrincipal.Id(context.User);
        var list = await tokens.ListAsync(adminId, context.RequestAborted);
        return TypedResults.Ok<IReadOnlyList<ApiTokenDto>>(list.Select(ApiTokenDto.From).ToList());
    }

    public static async Task<Results<Created<CreatedApiTokenDto>, ValidationProblem, ProblemHttpResult>> Create(
        HttpContext context, ApiTokenStore tokens, AuthAudit audit, TimeProvider time)
    {
        var (request, bodyProblem) = await RequestJson.ReadAsync<CreateTokenRequest>(context);
        if (request is null)
        {
            return bodyProblem!;
        }

        var errors = new Dictionary<string, string[]>();
        var name = request.Name?.Trim() ?? "";
        if (name.Length is 0 or > 100 || name.Any(char.IsControl))
        {
            errors["name"] = ["Name is required: 1 to 100 printable characters."];
        }

        if (request.Scope is not (CloudWgClaims.ScopeRead or CloudWgClaims.ScopeWrite))
        {
            errors["scope"] = ["Scope must be 'read' or 'write'."];
        }

        var days = request.ExpiresInDays ?? DefaultExpiryDays;
        if (days is < 1 or > MaxExpiryDays)
        {
            errors["expiresInDays"] = [$"expiresInDays must be between 1 and {MaxExpiryDays}."];
        }

        if (errors.Count > 0)
        {
            return AuthResults.Invalid(errors);
        }

        var adminId = AdminPrincipal.Id(context.User);
        var (entity, token) = await tokens.CreateAsync(adminId, name, request.Scope!, time.GetUtcNow().AddDays(days), context.RequestAborted);
        await audit.RecordAsync(context, adminId, "token.create", success: true, "token", entity.Id, detail: $"'{name}' scope {entity.Scope}, expires {entity.ExpiresAt:u}");
        return TypedResults.Created($"/api/tokens/{entity.Id}", new CreatedApiTokenDto(entity.Id, entity.Name, entity.Scope, entity.CreatedAt, entity.ExpiresAt, token));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> Revoke(string id, HttpContext context, ApiTokenStore tokens, AuthAudit audit)
    {
        var adminId = AdminPrincipal.Id(context.User);
        var token = await tokens.GetAsync(id, context.RequestAborted);
        if (token is null || (token.AdminId != adminId && !context.User.IsInRole(Roles.Owner)))
        {
            return TypedResults.Problem($"No API token '{id}' of yours exists.", statusCode: StatusCodes.Status404NotFound, title: "Not found");
        }

        await tokens.DeleteAsync(id, context.RequestAborted);
        await audit.RecordAsync(context, adminId, "token.revoke", success: true, "token", id, detail: $"'{token.Name}' of {token.AdminId}");
        return TypedResults.NoContent();
    }
}

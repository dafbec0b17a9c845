using CloudWg.Functions.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CloudWg.Functions.Audit;

public static class AuditEndpoints
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 500;

    public static IEndpointRouteBuilder MapAudit(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/audit", List)
            .WithTags("Audit")
            .RequireAuthorization(Policies.Viewer)
            .WithSummary("The audit log, newest first, paged; filters: actor, action (prefix), resourceType, nodeId.");
        return app;
    }

    public static async Task<Results<Ok<AuditPageDto>, ValidationProblem>> List(
        IAuditLog audit, CancellationToken cancellationToken,
        int? pageSize = null, string? continuation = null, string? actor = null, string? action = null, string? resourceType = null, string? nodeId = null)
    {
        var size = pageSize ?? DefaultPageSize;
        if (size is < 1 or > MaxPageSize)
        {
            return AuthResults.Invalid("pageSize", $"pageSize must be between 1 and {MaxPageSize}.");
        }

        if (continuation is { Length: > 100 })
        {
            return AuthResults.Invalid("continuation", "continuation must be the value returned by the previous page.");
        }

        foreach (var (name, value) in new[] { ("actor", actor), ("action", action), ("resourceType", resourceType), ("nodeId", nodeId) })
        {
            if (value is { Length: > 200 })
            {
                return AuthResults.Invalid(name, $"{name} must be at most 200 characters.");
            }
        }

        var filter = new AuditFilter(Blank(actor), Blank(action), Blank(resourceType), Blank(nodeId));
        var page = await audit.ListAsync(size, continuation, filter, cancellationToken);
        return TypedResults.Ok(new AuditPageDto(page.Items.Select(AuditEntryDto.From).ToList(), page.Continuation));
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}

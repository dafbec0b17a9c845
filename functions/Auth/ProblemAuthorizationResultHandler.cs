using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace CloudWg.Functions.Auth;

/// <summary>Turns authorization failures into problem+json 401/403 responses whose detail says what is missing.</summary>
public sealed class ProblemAuthorizationResultHandler(IProblemDetailsService problems) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler fallback = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (policy.AuthenticationSchemes.Count > 0)
        {
            // A policy with its own schemes (node certificates) challenges and forbids through those schemes.
            await fallback.HandleAsync(next, context, policy, authorizeResult);
            return;
        }

        if (authorizeResult.Challenged)
        {
            // The authentication middleware keeps only successful results; handlers cache theirs per request, so
            // asking again costs no storage call and yields the reason (expired, idle, revoked…).
            var failure = (await context.AuthenticateAsync()).Failure?.Message;
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await WriteAsync(context, "Unauthorized", failure ?? "Sign in first: POST /api/auth/login, or send an API token as 'Authorization: Bearer cwg_…'.");
            return;
        }

        if (authorizeResult.Forbidden)
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            await WriteAsync(context, "Forbidden", ForbiddenDetail(context));
            return;
        }

        await fallback.HandleAsync(next, context, policy, authorizeResult);
    }

    private static string ForbiddenDetail(HttpContext context)
    {
        var user = context.User;
        var role = user.FindFirstValue(ClaimTypes.Role) ?? "none";
        var policy = context.GetEndpoint()?.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).LastOrDefault(p => p is not null);
        var isToken = user.FindFirstValue(CloudWgClaims.Method) == CloudWgClaims.MethodToken;
        if (user.HasClaim(CloudWgClaims.MfaSetupRequired, "true") && policy is not (Policies.Authenticated or Policies.Account))
        {
            return "An owner requires two-factor authentication for every admin: set it up first (POST /api/auth/totp/setup, then /api/auth/totp/confirm).";
        }

        return policy switch
        {
            Policies.Account or Policies.Session when isToken => "API tokens cannot do this; sign in with a session.",
            Policies.Admin when role is not (Roles.Admin or Roles.Owner) => $"This needs the admin or owner role; yours is {role}.",
            Policies.Owner when role != Roles.Owner => $"This needs the owner role; yours is {role}.",
            Policies.Admin or Policies.Owner when user.FindFirstValue(CloudWgClaims.Scope) == CloudWgClaims.ScopeRead => "This API token has the read scope; changes need a token with the write scope.",
            _ => "You are not allowed to do this.",
        };
    }

    private Task WriteAsync(HttpContext context, string title, string detail) => problems.WriteAsync(new ProblemDetailsContext
    {
        HttpContext = context,
        ProblemDetails = { Status = context.Response.StatusCode, Title = title, Detail = detail },
    }).AsTask();
}

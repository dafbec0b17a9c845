using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;

namespace CloudWg.Functions.Auth;

public static class AuthorizationServiceCollectionExtensions
{
    /// <summary>The policies of <see cref="Policies"/>. Authentication schemes are registered by <c>AddCloudWgAuthentication</c>.</summary>
    public static IServiceCollection AddCloudWgAuthorization(this IServiceCollection services)
    {
        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Viewer, p => p.RequireAuthenticatedUser().RequireRole(Roles.All).RequireAssertion(MfaSatisfied))
            .AddPolicy(Policies.Admin, p => p.RequireAuthenticatedUser().RequireRole(Roles.Owner, Roles.Admin).RequireAssertion(c => CanWrite(c) && MfaSatisfied(c)))
            .AddPolicy(Policies.Owner, p => p.RequireAuthenticatedUser().RequireRole(Roles.Owner).RequireAssertion(c => CanWrite(c) && MfaSatisfied(c)))
            .AddPolicy(Policies.Authenticated, p => p.RequireAuthenticatedUser().RequireRole(Roles.All))
            .AddPolicy(Policies.Account, p => p.RequireAuthenticatedUser().RequireRole(Roles.All).RequireClaim(CloudWgClaims.Method, CloudWgClaims.MethodSession))
            .AddPolicy(Policies.Session, p => p.RequireAuthenticatedUser().RequireRole(Roles.All).RequireClaim(CloudWgClaims.Method, CloudWgClaims.MethodSession).RequireAssertion(MfaSatisfied));
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, ProblemAuthorizationResultHandler>();
        return services;
    }

    private static bool CanWrite(AuthorizationHandlerContext context)
    {
        var scope = context.User.FindFirstValue(CloudWgClaims.Scope);
        return scope is null || scope == CloudWgClaims.ScopeWrite;
    }

    private static bool MfaSatisfied(AuthorizationHandlerContext context) => !context.User.HasClaim(CloudWgClaims.MfaSetupRequired, "true");
}

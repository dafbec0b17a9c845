using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;

namespace CloudWg.Functions.Auth;

public static class AuthorizationServiceCollectionExtensions
{
    /// <summary>The role policies of <see cref="Policies"/>. Authentication schemes are registered separately.</summary>
    public static IServiceCollection AddCloudWgAuthorization(this IServiceCollection services)
    {
        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Viewer, p => p.RequireAuthenticatedUser().RequireRole(Roles.All))
            .AddPolicy(Policies.Admin, p => p.RequireAuthenticatedUser().RequireRole(Roles.Owner, Roles.Admin).RequireAssertion(CanWrite))
            .AddPolicy(Policies.Owner, p => p.RequireAuthenticatedUser().RequireRole(Roles.Owner).RequireAssertion(CanWrite));
        return services;
    }

    private static bool CanWrite(AuthorizationHandlerContext context)
    {
        var scope = context.User.FindFirstValue(CloudWgClaims.Scope);
        return scope is null || scope == CloudWgClaims.ScopeWrite;
    }
}

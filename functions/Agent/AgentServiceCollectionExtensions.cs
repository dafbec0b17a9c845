using CloudWg.Functions.Auth;
using Microsoft.AspNetCore.Authentication;

namespace CloudWg.Functions.Agent;

public static class AgentServiceCollectionExtensions
{
    /// <summary>The node-certificate authentication scheme and the <see cref="Policies.Node"/> policy.</summary>
    public static IServiceCollection AddCloudWgAgent(this IServiceCollection services)
    {
        services.AddOptions<FrontEndOptions>().BindConfiguration(FrontEndOptions.Section);
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, NodeCertificateAuthenticationHandler>(NodeCertificateDefaults.Scheme, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Node, p => p
                .AddAuthenticationSchemes(NodeCertificateDefaults.Scheme)
                .RequireAuthenticatedUser()
                .RequireClaim(NodeClaims.NodeId));
        return services;
    }
}

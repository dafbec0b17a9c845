using CloudWg.Functions.Auth;
using Microsoft.AspNetCore.Authentication;

namespace CloudWg.Functions.Agent;

public static class AgentServiceCollectionExtensions
{
    /// <summary>The node authentication scheme (signed requests, or mutual TLS) and the <see cref="Policies.Node"/> policy.</summary>
    public static IServiceCollection AddCloudWgAgent(this IServiceCollection services)
    {
        services.AddOptions<FrontEndOptions>().BindConfiguration(FrontEndOptions.Section);
        services.AddOptions<NodeSignatureOptions>().BindConfiguration(NodeSignatureOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<NodeCertificateValidator>();
        services.AddSingleton<NonceCache>();
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, NodeAuthenticationHandler>(NodeAuthenticationDefaults.Scheme, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Node, p => p
                .AddAuthenticationSchemes(NodeAuthenticationDefaults.Scheme)
                .RequireAuthenticatedUser()
                .RequireClaim(NodeClaims.NodeId));
        return services;
    }
}

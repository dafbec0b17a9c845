using CloudWg.Functions.Pki;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CloudWg.Functions.Enrollment;

public static class EnrollmentServiceCollectionExtensions
{
    /// <summary>Enrollment tokens, credential issuance and the node directory (needs <see cref="PkiServiceCollectionExtensions.AddCloudWgPki"/>).</summary>
    public static IServiceCollection AddCloudWgEnrollment(this IServiceCollection services)
    {
        services.AddOptions<EnrollmentOptions>()
            .BindConfiguration(EnrollmentOptions.Section)
            .PostConfigure<IConfiguration>((o, configuration) => o.PublicControlUrl ??= PlatformControlUrl(configuration))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton<INodeDirectory, TableNodeDirectory>();
        services.TryAddSingleton<EnrollmentTokenStore>();
        services.TryAddSingleton<NodeCredentialIssuer>();
        services.TryAddSingleton<NodeRevocation>();
        services.TryAddSingleton<EnrollmentRateLimit>();
        return services;
    }

    /// <summary>
    /// Behind the Azure Functions front end the app itself listens on plain HTTP on loopback and admins usually come
    /// through the Static Web App, so neither the request's scheme nor its host is what agents must use. The platform
    /// names the function app's own host in <c>WEBSITE_HOSTNAME</c>; agents talk to it over HTTPS (they need its
    /// client-certificate support, which the Static Web App lacks).
    /// </summary>
    public static Uri? PlatformControlUrl(IConfiguration configuration) =>
        configuration.GetValue<bool>("CloudWg:BehindFunctionsFrontEnd") && configuration["WEBSITE_HOSTNAME"] is { Length: > 0 } host
            ? new Uri($"https://{host}/")
            : null;
}

using CloudWg.Functions.Pki;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CloudWg.Functions.Enrollment;

public static class EnrollmentServiceCollectionExtensions
{
    /// <summary>Enrollment tokens, credential issuance and the node directory (needs <see cref="PkiServiceCollectionExtensions.AddCloudWgPki"/>).</summary>
    public static IServiceCollection AddCloudWgEnrollment(this IServiceCollection services)
    {
        services.AddOptions<EnrollmentOptions>().BindConfiguration(EnrollmentOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<INodeDirectory, TableNodeDirectory>();
        services.TryAddSingleton<EnrollmentTokenStore>();
        services.TryAddSingleton<NodeCredentialIssuer>();
        services.TryAddSingleton<NodeRevocation>();
        services.TryAddSingleton<EnrollmentRateLimit>();
        return services;
    }
}

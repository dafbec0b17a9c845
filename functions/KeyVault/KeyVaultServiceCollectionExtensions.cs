using Azure.Core;
using Azure.Identity;
using Azure.Security.KeyVault.Certificates;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CloudWg.Functions.KeyVault;

public static class KeyVaultServiceCollectionExtensions
{
    /// <summary>
    /// Key Vault clients (resolved only when something uses Key Vault): the Certificates SDK client and the REST client
    /// for sign/keys/secrets, both with the app's <see cref="TokenCredential"/> (DefaultAzureCredential unless replaced).
    /// </summary>
    public static IServiceCollection AddCloudWgKeyVault(this IServiceCollection services)
    {
        services.AddOptions<KeyVaultOptions>()
            .BindConfiguration(KeyVaultOptions.Section)
            .Configure<IConfiguration>((options, configuration) => options.Uri ??= VaultUri(configuration));
        services.TryAddSingleton<TokenCredential>(_ => new DefaultAzureCredential());
        services.TryAddSingleton(sp => new KeyVaultRestClient(
            sp.GetRequiredService<IOptions<KeyVaultOptions>>().Value,
            sp.GetRequiredService<TokenCredential>(),
            sp.GetService<KeyVaultTransport>()));
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<KeyVaultOptions>>().Value;
            var clientOptions = new CertificateClientOptions { DisableChallengeResourceVerification = options.DisableChallengeResourceVerification };
            if (sp.GetService<KeyVaultTransport>() is { } transport)
            {
                clientOptions.Transport = transport.Transport;
            }

            return new CertificateClient(
                options.Uri ?? throw new InvalidOperationException("CloudWg:KeyVault:Uri is not set."),
                sp.GetRequiredService<TokenCredential>(),
                clientOptions);
        });
        return services;
    }

    /// <summary>The configured vault: <c>CloudWg:KeyVault:Uri</c>, or <c>CloudWg:KeyVaultUri</c> as the deployment sets it.</summary>
    public static Uri? VaultUri(IConfiguration configuration) =>
        (configuration[KeyVaultOptions.Section + ":Uri"] ?? configuration["CloudWg:KeyVaultUri"]) is { Length: > 0 } value ? new Uri(value) : null;
}

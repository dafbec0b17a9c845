using Azure.Security.KeyVault.Certificates;
using CloudWg.Functions.KeyVault;
using CloudWg.Functions.Publishing;
using CloudWg.Functions.Sas;
using CloudWg.Functions.Storage;
using CloudWg.Protocol.Jws;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CloudWg.Functions.Pki;

public static class PkiServiceCollectionExtensions
{
    /// <summary>
    /// The certificate authority (Local or KeyVault by <c>CloudWg:Pki:Provider</c>), config-signing public keys, the
    /// certificate store, node SAS issuance, and Kestrel's HTTPS settings for agent mTLS.
    /// </summary>
    /// <summary>The embedded default: config-signing keys as PEM files in the state directory, and publishing's signer over them.</summary>
    public static IServiceCollection AddLocalConfigSigningKeys(this IServiceCollection services)
    {
        services.TryAddSingleton<IConfigSigningKeys, LocalConfigSigningKeys>();
        services.TryAddSingleton<ISigningKeys>(sp => new ConfigSigningKeysAdapter(
            sp.GetRequiredService<IConfigSigningKeys>(),
            _ => Task.FromResult<IJwsSigner>(EcdsaJwsSigner.LoadOrCreate(sp.GetRequiredService<Hosting.StateDirectory>().File(LocalConfigSigningKeys.CurrentFile))),
            sp.GetRequiredService<TimeProvider>()));
        return services;
    }

    public static IServiceCollection AddCloudWgPki(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddCloudWgKeyVault();
        services.AddOptions<PkiOptions>().BindConfiguration(PkiOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SasOptions>().BindConfiguration(SasOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        var provider = configuration.GetSection(PkiOptions.Section).GetValue<CertificateAuthorityProvider?>(nameof(PkiOptions.Provider))
            ?? (KeyVaultServiceCollectionExtensions.VaultUri(configuration) is null ? CertificateAuthorityProvider.Local : CertificateAuthorityProvider.KeyVault);
        if (provider == CertificateAuthorityProvider.KeyVault)
        {
            services.TryAddSingleton<ICertificateAuthority>(sp => new KeyVaultCertificateAuthority(
                sp.GetRequiredService<CertificateClient>(),
                sp.GetRequiredService<KeyVaultRestClient>(),
                sp.GetRequiredService<IOptions<KeyVaultOptions>>().Value,
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ICaCreationLock>()));
            services.TryAddSingleton<ICaCreationLock, TableCaCreationLock>();
            services.TryAddSingleton<IConfigSigningKeys>(sp => new KeyVaultConfigSigningKeys(
                sp.GetRequiredService<KeyVaultRestClient>(),
                sp.GetRequiredService<IOptions<KeyVaultOptions>>().Value));
            services.TryAddSingleton<ISigningKeys>(sp => new ConfigSigningKeysAdapter(
                sp.GetRequiredService<IConfigSigningKeys>(),
                async ct => await KeyVaultJwsSigner.CreateAsync(
                    sp.GetRequiredService<KeyVaultRestClient>(), sp.GetRequiredService<IOptions<KeyVaultOptions>>().Value.ConfigSigningKeyName, ct),
                sp.GetRequiredService<TimeProvider>()));
        }
        else
        {
            services.TryAddSingleton<ICertificateAuthority, LocalCertificateAuthority>();
            services.AddLocalConfigSigningKeys();
        }

        services.TryAddSingleton<IStorageAccountKey>(sp =>
        {
            var storage = sp.GetRequiredService<StorageOptions>();
            if (!string.IsNullOrWhiteSpace(storage.ConnectionString))
            {
                return new ConnectionStringAccountKey(storage.ConnectionString);
            }

            return new KeyVaultAccountKey(
                sp.GetRequiredService<KeyVaultRestClient>(),
                storage.AccountName ?? throw new InvalidOperationException("AzureWebJobsStorage__accountName is not set."),
                sp.GetRequiredService<IOptions<SasOptions>>().Value.AccountKeySecretName,
                sp.GetRequiredService<TimeProvider>());
        });
        services.TryAddSingleton<NodeSasService>();
        services.TryAddSingleton<NodeCertificateStore>();
        services.TryAddSingleton<ServerCertificateProvider>();
        services.AddOptions<KestrelServerOptions>().Configure<IServiceProvider>((kestrel, sp) => kestrel.ConfigureHttpsDefaults(https =>
        {
            // Agents present client certificates; validation happens in the NodeCertificate authentication handler
            // (against the fleet CA, with revocation), so the TLS layer accepts any certificate and never demands one.
            https.ClientCertificateMode = ClientCertificateMode.AllowCertificate;
            https.AllowAnyClientCertificate();
            if (https.ServerCertificate is null && https.ServerCertificateSelector is null
                && sp.GetRequiredService<IOptions<PkiOptions>>().Value.ServeHttpsWithFleetCertificate)
            {
                var server = sp.GetRequiredService<ServerCertificateProvider>();
                https.ServerCertificate = server.Certificate;
                https.ServerCertificateChain = server.Chain;
            }
        }));
        return services;
    }
}

using CloudWg.Functions.KeyVault;

namespace CloudWg.Functions.Setup;

/// <summary>
/// In Azure the deployment puts the one-time setup token into a Key Vault secret (setting
/// <c>CloudWg:SetupTokenSecretName</c>, e.g. <c>cloudwg-setup-token</c>), because an instance's state directory is
/// out of the operator's reach; the operator reads it with <c>az keyvault secret show</c>. Null when not configured.
/// </summary>
public sealed class KeyVaultSetupToken(IConfiguration configuration, IServiceProvider services)
{
    public string? SecretName { get; } =
        configuration["CloudWg:SetupTokenSecretName"] is { Length: > 0 } name && KeyVaultServiceCollectionExtensions.VaultUri(configuration) is not null ? name : null;

    public async Task<string?> ReadAsync(CancellationToken cancellationToken) => SecretName is { } name
        ? (await services.GetRequiredService<KeyVaultRestClient>().GetSecretAsync(name, cancellationToken)).Trim()
        : null;
}

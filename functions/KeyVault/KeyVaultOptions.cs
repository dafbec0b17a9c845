namespace CloudWg.Functions.KeyVault;

/// <summary>
/// Settings under <c>CloudWg:KeyVault</c>. The app reaches Key Vault with its managed identity
/// (DefaultAzureCredential); nothing secret is configured here.
/// </summary>
public sealed class KeyVaultOptions
{
    public const string Section = "CloudWg:KeyVault";

    /// <summary>The vault, e.g. <c>https://cloudwg-xyz.vault.azure.net/</c> (also read from <c>CloudWg:KeyVaultUri</c>). Required when Key Vault is used.</summary>
    public Uri? Uri { get; set; }

    /// <summary>Certificate name of the root CA (non-exportable EC P-256 key).</summary>
    public string RootCertificateName { get; set; } = "cloudwg-root-ca";

    /// <summary>Certificate name of the fleet CA, which signs node certificates.</summary>
    public string FleetCertificateName { get; set; } = "cloudwg-fleet-ca";

    /// <summary>Key name of the config-signing key (EC P-256, ES256) when it lives in Key Vault.</summary>
    public string ConfigSigningKeyName { get; set; } = "cloudwg-config-signing";

    /// <summary>Key name of the next config-signing key during a rotation (see functions/Pki/ROTATION.md); empty otherwise.</summary>
    public string? NextConfigSigningKeyName { get; set; }

    /// <summary>Key name of the previous config-signing key right after a rotation's switch (ROTATION.md); empty otherwise.</summary>
    public string? PreviousConfigSigningKeyName { get; set; }

    /// <summary>
    /// Key name of the RSA key-encryption key that wraps the data key protecting TOTP secrets at rest (wrapKey/unwrapKey
    /// only). The deployment creates it (infra/bicep/modules/keyvault.bicep); the app never creates keys.
    /// </summary>
    public string DataKeyWrappingKeyName { get; set; } = "cloudwg-data-kek";

    /// <summary>OAuth scope of Key Vault tokens; differs in sovereign clouds.</summary>
    public string Scope { get; set; } = "https://vault.azure.net/.default";

    /// <summary>Key Vault REST API version used for sign, keys and secrets.</summary>
    public string ApiVersion { get; set; } = "7.4";

    /// <summary>
    /// The Certificates SDK checks that the resource named in Key Vault's 401 challenge belongs to the vault's domain.
    /// Only a vault behind a custom domain (or the in-test fake on 127.0.0.1) needs this set to true.
    /// </summary>
    public bool DisableChallengeResourceVerification { get; set; }
}

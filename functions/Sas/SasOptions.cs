using System.ComponentModel.DataAnnotations;

namespace CloudWg.Functions.Sas;

/// <summary>
/// Settings under <c>CloudWg:Storage</c> for the SAS URLs handed to nodes. The account key that signs them is never an
/// app setting: locally it comes from the Azurite connection string; in Azure the app reads it through its identity
/// from the Key Vault secret named by <see cref="AccountKeySecretName"/> (vault: <c>CloudWg:KeyVault:Uri</c>).
/// </summary>
public sealed class SasOptions
{
    public const string Section = "CloudWg:Storage";

    /// <summary>Queue endpoint as nodes reach it, e.g. <c>https://acct.queue.core.windows.net</c>. Default: the app's own.</summary>
    public Uri? PublicQueueEndpoint { get; set; }

    /// <summary>Blob endpoint as nodes reach it. Default: the app's own.</summary>
    public Uri? PublicBlobEndpoint { get; set; }

    /// <summary>Key Vault secret holding the storage account key (identity-based storage only).</summary>
    public string AccountKeySecretName { get; set; } = "storage-account-key";

    /// <summary>
    /// Expiry of the stored access policies behind a node's inbox and desired-state SAS. Renewal moves it forward;
    /// revocation deletes the policy at once, so a long lifetime costs nothing in revocability.
    /// </summary>
    [Range(typeof(TimeSpan), "00:05:00", "365.00:00:00")]
    public TimeSpan NodeSasLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// Lifetime of the reports-queue SAS (add only). It has no stored access policy (the shared queue allows only five),
    /// so it is short and renewed by the agent; reports of a revoked node are rejected on ingest by their signature.
    /// </summary>
    [Range(typeof(TimeSpan), "00:05:00", "30.00:00:00")]
    public TimeSpan ReportsSasLifetime { get; set; } = TimeSpan.FromDays(7);
}

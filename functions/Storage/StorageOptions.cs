using System.ComponentModel.DataAnnotations;

namespace CloudWg.Functions.Storage;

/// <summary>
/// Where state lives. Locally: a connection string in <c>AzureWebJobsStorage</c> (Azurite). In Azure:
/// identity-based, <c>AzureWebJobsStorage__accountName</c> (or explicit service URIs) with the app's managed identity.
/// </summary>
public sealed class StorageOptions
{
    public string? ConnectionString { get; set; }

    public string? AccountName { get; set; }

    public Uri? TableServiceUri { get; set; }

    public Uri? QueueServiceUri { get; set; }

    public Uri? BlobServiceUri { get; set; }

    /// <summary>Prefix for every table, queue and container name; see <see cref="StorageNames"/>.</summary>
    [RegularExpression("^[a-z][a-z0-9]{0,15}$|^$", ErrorMessage = "CloudWg:Storage:Prefix must be lowercase letters and digits, starting with a letter, at most 16 characters.")]
    public string Prefix { get; set; } = "";
}

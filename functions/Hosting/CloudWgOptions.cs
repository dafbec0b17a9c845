using System.ComponentModel.DataAnnotations;

namespace CloudWg.Functions.Hosting;

/// <summary>Settings under <c>CloudWg:</c> (or <c>CloudWg__</c> in environment variables and local.settings.json).</summary>
public sealed class CloudWgOptions
{
    public const string Section = "CloudWg";

    /// <summary>Holds local keys, the local CA and the setup token. Default: <c>.cloudwg/</c> at the repository root.</summary>
    [Required]
    public string StateDirectory { get; set; } = "";

    /// <summary>Static files of the admin SPA, served at <c>/</c>. Default: <c>spa/dist</c> at the repository root.</summary>
    public string? SpaDirectory { get; set; }
}

using System.ComponentModel.DataAnnotations;

namespace CloudWg.Functions.Enrollment;

/// <summary>Settings under <c>CloudWg:Enrollment</c>.</summary>
public sealed class EnrollmentOptions
{
    public const string Section = "CloudWg:Enrollment";

    /// <summary>How long an enrollment token stays usable. Default one hour.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// The control plane URL as nodes reach it, used in install commands. Default: in Azure
    /// (<c>CloudWg:BehindFunctionsFrontEnd</c>) <c>https://</c> and the platform's <c>WEBSITE_HOSTNAME</c>; otherwise
    /// the URL the admin called.
    /// </summary>
    public Uri? PublicControlUrl { get; set; }

    /// <summary>Enrollment attempts per client address per minute (in-process; the token is the real gate).</summary>
    [Range(1, 10_000)]
    public int AttemptsPerMinute { get; set; } = 30;
}

namespace CloudWg.EdgeAgent.Enrollment;

/// <summary>Certificate/SAS renewal timing (configuration section <c>Renewal</c>).</summary>
public sealed class RenewalOptions
{
    public const string Section = "Renewal";

    /// <summary>First retry delay after a failed renewal; doubles with jitter up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Longest sleep between checks, so a changed clock or enrollment is noticed.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Renew at the latest this long before the certificate expires. Unset: once a third of its lifetime remains. The
    /// one-third rule and the SAS expiries still apply, so this can only make renewal earlier.
    /// </summary>
    public TimeSpan? RenewBefore { get; set; }
}

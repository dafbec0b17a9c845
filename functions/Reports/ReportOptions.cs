using System.ComponentModel.DataAnnotations;

namespace CloudWg.Functions.Reports;

/// <summary>Settings under <c>CloudWg:Reports</c>.</summary>
public sealed class ReportOptions
{
    public const string Section = "CloudWg:Reports";

    /// <summary>A node that has not reported for this long is offline: three missed 30 s reports by default.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "1.00:00:00")]
    public TimeSpan OfflineAfter { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>How often the local queue listener polls the reports queue when idle (not under the Functions host).</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan LocalPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A message that failed this many times is moved to the poison queue, as the Functions host does.</summary>
    [Range(1, 100)]
    public int MaxDequeueCount { get; set; } = 5;
}

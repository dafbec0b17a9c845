namespace CloudWg.EdgeAgent.Reports;

/// <summary>Report timing (configuration section <c>Reports</c>).</summary>
public sealed class ReportOptions
{
    public const string Section = "Reports";

    /// <summary>A report is made at least this often, and on every reconcile change.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(30);
}

namespace CloudWg.Functions.Reports;

/// <summary>The queue-triggered functions: each has a <c>functions/&lt;Name&gt;/function.json</c> with a <c>queueTrigger</c> binding.</summary>
public static class QueueFunctions
{
    public const string IngestReports = "IngestReports";

    /// <summary>The binding name in IngestReports/function.json: the host passes the message as <c>Data.report</c>.</summary>
    public const string IngestReportsBinding = "report";

    public static readonly IReadOnlyList<string> All = [IngestReports];
}

namespace CloudWg.Functions.Reports;

/// <summary>What happened to one reports-queue message.</summary>
public sealed record IngestOutcome(string? NodeId, ReportRejection? Rejection, string Detail)
{
    public bool Accepted => Rejection is null;

    public static IngestOutcome Stored(string nodeId) => new(nodeId, null, "stored");

    public static IngestOutcome Rejected(ReportRejection reason, string detail, string? nodeId = null) => new(nodeId, reason, detail);
}

namespace CloudWg.Functions.Publishing;

/// <summary>What one republish run did, by node id.</summary>
public sealed record RepublishReport(IReadOnlyList<string> Republished, IReadOnlyList<string> Renotified, IReadOnlyList<string> Failed);

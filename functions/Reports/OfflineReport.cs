namespace CloudWg.Functions.Reports;

/// <summary>The nodes one offline-detection run marked offline.</summary>
public sealed record OfflineReport(IReadOnlyList<string> MarkedOffline);

namespace CloudWg.Functions.Peers;

/// <summary>What one expiry run did: the peers deleted and how many orphaned leases were freed.</summary>
public sealed record ExpiryReport(IReadOnlyList<string> ExpiredPeers, int FreedLeases);

namespace CloudWg.EdgeAgent.Nftables;

/// <summary>What the live <c>inet cloudwg</c> table has that the desired state does not, or lacks, one line per finding.</summary>
public sealed record NftablesDriftReport(IReadOnlyList<string> Differences)
{
    public static NftablesDriftReport Clean { get; } = new([]);

    public bool HasDrift => Differences.Count > 0;

    public override string ToString() => HasDrift ? string.Join("; ", Differences) : "no drift";
}

namespace CloudWg.EdgeAgent.Caddy;

/// <summary>How the agent's Caddy servers differed from the desired ones, one line per finding.</summary>
public sealed record CaddyDriftReport(IReadOnlyList<string> Differences)
{
    public static CaddyDriftReport Clean { get; } = new([]);

    public bool HasDrift => Differences.Count > 0;

    public override string ToString() => HasDrift ? string.Join("; ", Differences) : "no drift";
}

namespace CloudWg.Protocol.Messages;

/// <summary>Values of <see cref="NodeReport.ReconcileOutcome"/>.</summary>
public static class ReconcileOutcomes
{
    /// <summary>Actual state matched desired state, possibly after applying changes.</summary>
    public const string Applied = "applied";

    /// <summary>Actual state already matched; nothing was changed.</summary>
    public const string Unchanged = "unchanged";

    /// <summary>Applying failed; <see cref="NodeReport.Error"/> says why; the previous state keeps running.</summary>
    public const string Failed = "failed";

    /// <summary>No desired state has been accepted yet.</summary>
    public const string Pending = "pending";

    /// <summary>All known values.</summary>
    public static IReadOnlyList<string> All { get; } = [Applied, Unchanged, Failed, Pending];
}

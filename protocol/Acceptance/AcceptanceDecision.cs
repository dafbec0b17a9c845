namespace CloudWg.Protocol.Acceptance;

/// <summary>The result of <see cref="AcceptanceRule.Decide"/>.</summary>
/// <param name="Reason">Set exactly when <paramref name="Outcome"/> is <see cref="AcceptanceOutcome.Reject"/>.</param>
public sealed record AcceptanceDecision(AcceptanceOutcome Outcome, RejectReason? Reason = null)
{
    public static AcceptanceDecision Apply { get; } = new(AcceptanceOutcome.Apply);

    public static AcceptanceDecision NoOp { get; } = new(AcceptanceOutcome.NoOp);

    public static AcceptanceDecision Reject(RejectReason reason) => new(AcceptanceOutcome.Reject, reason);

    public bool ShouldApply => Outcome == AcceptanceOutcome.Apply;
}

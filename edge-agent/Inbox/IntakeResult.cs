using CloudWg.Protocol.DesiredStates;

namespace CloudWg.EdgeAgent.Inbox;

/// <summary>The outcome of offering a document, with the rejection counter key and detail when rejected.</summary>
public sealed record IntakeResult(IntakeOutcome Outcome, DesiredState? Document = null, string? Reason = null, string? Detail = null)
{
    public static IntakeResult Rejected(string reason, string detail) => new(IntakeOutcome.Rejected, null, reason, detail);
}

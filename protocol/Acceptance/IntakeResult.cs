using System.Diagnostics.CodeAnalysis;
using CloudWg.Protocol.DesiredStates;
using CloudWg.Protocol.Validation;

namespace CloudWg.Protocol.Acceptance;

/// <summary>What <see cref="DesiredStateIntake.Evaluate"/> decided about one inbound desired-state JWS.</summary>
/// <param name="Outcome">Apply, NoOp (already applied) or Reject.</param>
/// <param name="State">The verified, valid document; set for Apply and NoOp.</param>
/// <param name="Payload">The exact signed bytes; set for Apply and NoOp (store these, not a re-serialization).</param>
/// <param name="RejectionKey">For Reject: the <c>RejectionCounters</c> key to increment.</param>
/// <param name="Detail">A short explanation for logs (never key material).</param>
/// <param name="Errors">For an invalid document: what the validator found.</param>
public sealed record IntakeResult(
    AcceptanceOutcome Outcome,
    DesiredState? State,
    byte[]? Payload,
    string? RejectionKey,
    string Detail,
    IReadOnlyList<ValidationError> Errors)
{
    [MemberNotNullWhen(true, nameof(State), nameof(Payload))]
    public bool ShouldApply => Outcome == AcceptanceOutcome.Apply;

    [MemberNotNullWhen(true, nameof(RejectionKey))]
    public bool IsRejected => Outcome == AcceptanceOutcome.Reject;
}

using CloudWg.Protocol.Validation;

namespace CloudWg.Protocol.Messages;

/// <summary>
/// What a node tells the control plane every 30 s and on change. Sent as a JWS (<c>JwsTypes.Report</c>) signed with
/// the node's TLS key and verified against the node's registered certificate before anything is stored.
/// </summary>
/// <param name="Sequence">Increases with every report of this node (replays and reordering are detectable).</param>
/// <param name="At">When the report was made (UTC).</param>
/// <param name="AppliedVersion">The desired-state version running now, or null before the first apply.</param>
/// <param name="ReconcileOutcome">One of <see cref="ReconcileOutcomes"/>.</param>
/// <param name="Error">Why the last reconcile failed, for operators; null when it did not.</param>
/// <param name="Rejections">Counts of rejected inbound messages by reason.</param>
/// <param name="L4Proxy">The L4 proxy carrying SNI routes on the node: <c>caddy</c>, <c>haproxy</c> or <c>none</c>.</param>
public sealed record NodeReport(
    string NodeId,
    long Sequence,
    DateTimeOffset At,
    long? AppliedVersion,
    string ReconcileOutcome,
    string? Error,
    IReadOnlyList<PeerStats> Peers,
    string AgentVersion,
    RejectionCounters Rejections,
    string? L4Proxy = null)
{
    /// <summary>Longest error text accepted.</summary>
    public const int MaxErrorLength = 2048;

    public IReadOnlyList<ValidationError> Validate()
    {
        var errors = new List<ValidationError>();
        MessageRules.Id(errors, "nodeId", NodeId);
        if (Sequence < 0)
        {
            errors.Add(new ValidationError("sequence", "must be 0 or more."));
        }

        MessageRules.Time(errors, "at", At);
        if (AppliedVersion is < 1)
        {
            errors.Add(new ValidationError("appliedVersion", "must be 1 or more, or absent before the first apply."));
        }

        if (ReconcileOutcome is null || !ReconcileOutcomes.All.Contains(ReconcileOutcome))
        {
            errors.Add(new ValidationError("reconcileOutcome", "must be one of " + string.Join(", ", ReconcileOutcomes.All) + "."));
        }

        if (L4Proxy is not null and not ("caddy" or "haproxy" or "none"))
        {
            errors.Add(new ValidationError("l4Proxy", "must be caddy, haproxy or none."));
        }

        if (Error is { Length: > MaxErrorLength })
        {
            errors.Add(new ValidationError("error", $"must be at most {MaxErrorLength} characters."));
        }

        if (Peers is null)
        {
            errors.Add(new ValidationError("peers", "is required (an empty list for none)."));
        }
        else
        {
            for (var i = 0; i < Peers.Count; i++)
            {
                if (Peers[i] is null)
                {
                    errors.Add(new ValidationError($"peers[{i}]", "is required."));
                }
                else
                {
                    errors.AddRange(Peers[i].Validate($"peers[{i}]"));
                }
            }
        }

        MessageRules.Text(errors, "agentVersion", AgentVersion, 64);
        if (Rejections is null)
        {
            errors.Add(new ValidationError("rejections", "is required."));
        }
        else
        {
            errors.AddRange(Rejections.Validate("rejections"));
        }

        return errors;
    }
}

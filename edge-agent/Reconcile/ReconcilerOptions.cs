namespace CloudWg.EdgeAgent.Reconcile;

/// <summary>Reconcile loop timing (configuration section <c>Reconciler</c>).</summary>
public sealed class ReconcilerOptions
{
    public const string Section = "Reconciler";

    /// <summary>How often actual state is compared with desired state even without a new document.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>First retry delay after a failed pass; doubles (with jitter) up to <see cref="Interval"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);
}

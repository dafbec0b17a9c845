namespace CloudWg.Functions.Triggers;

/// <summary>Settings under <c>CloudWg:Triggers</c>.</summary>
public sealed class TriggerOptions
{
    public const string Section = "CloudWg:Triggers";

    /// <summary>Run the timer functions in process when not under the Functions host (default true; tests drive them directly).</summary>
    public bool LocalTimers { get; set; } = true;
}

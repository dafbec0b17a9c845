using System.ComponentModel.DataAnnotations;

namespace CloudWg.Functions.Agent;

/// <summary>Settings under <c>CloudWg:NodeSignatures</c>: the time window of agents' signed requests.</summary>
public sealed class NodeSignatureOptions
{
    public const string Section = "CloudWg:NodeSignatures";

    /// <summary>How old a signature may be (its <c>created</c> time). Default 5 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "01:00:00")]
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How far a node's clock may run ahead (or add to <see cref="MaxAge"/> behind). Default 1 minute.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:30:00")]
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>A skew at least this large is reported back in <c>CloudWg-Clock-Skew</c>. Default 10 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:30:00")]
    public TimeSpan ReportSkewFrom { get; set; } = TimeSpan.FromSeconds(10);
}

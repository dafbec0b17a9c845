namespace CloudWg.EdgeAgent.Enrollment;

/// <summary>A control-plane call failed; <see cref="Exception.Message"/> says what the operator can do.</summary>
public sealed class ControlPlaneException(string message, int? status = null, Exception? inner = null) : Exception(message, inner)
{
    public int? Status { get; } = status;

    /// <summary>True for failures worth retrying later (unreachable, 5xx, 429).</summary>
    public bool IsTransient => Status is null or >= 500 or 429;
}

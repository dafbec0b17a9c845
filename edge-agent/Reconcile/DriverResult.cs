namespace CloudWg.EdgeAgent.Reconcile;

/// <summary>What one driver did in one reconcile pass.</summary>
/// <param name="Changes">Human-readable changes made, e.g. <c>peer ABC… added</c>; empty when already converged.</param>
/// <param name="Error">Set when the driver could not converge.</param>
public sealed record DriverResult(string Driver, IReadOnlyList<string> Changes, string? Error = null)
{
    public bool Succeeded => Error is null;

    public static DriverResult Unchanged(string driver) => new(driver, []);

    public static DriverResult Failed(string driver, string error) => new(driver, [], error);
}

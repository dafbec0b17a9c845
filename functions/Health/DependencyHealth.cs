namespace CloudWg.Functions.Health;

/// <param name="Status"><c>ok</c> or <c>unreachable</c>.</param>
/// <param name="Detail">Why it failed, without secrets (no URLs with SAS, no keys).</param>
public sealed record DependencyHealth(string Status, string? Detail = null);

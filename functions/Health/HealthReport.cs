namespace CloudWg.Functions.Health;

/// <summary>Body of <c>GET /api/health</c>.</summary>
/// <param name="Status"><c>healthy</c> when every dependency answered, else <c>unhealthy</c>.</param>
/// <param name="Failing">The dependencies that did not answer: <c>table</c>, <c>queue</c>, <c>blob</c>.</param>
public sealed record HealthReport(string Status, IReadOnlyList<string> Failing, IReadOnlyDictionary<string, DependencyHealth> Checks);

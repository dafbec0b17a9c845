namespace CloudWg.Functions.Enrollment;

/// <summary>The node a consumed token was bound to, or why it could not be consumed.</summary>
public sealed record TokenConsumption(string? NodeId, DateTimeOffset? CreatedAt, TokenConsumptionFailure? Failure)
{
    public static TokenConsumption Failed(TokenConsumptionFailure failure) => new(null, null, failure);
}

namespace CloudWg.Functions.Tokens;

public sealed record ApiTokenDto(string Id, string Name, string Scope, string AdminId, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, DateTimeOffset? LastUsedAt)
{
    public static ApiTokenDto From(ApiTokenEntity e) => new(e.Id, e.Name, e.Scope, e.AdminId, e.CreatedAt, e.ExpiresAt, e.LastUsedAt);
}

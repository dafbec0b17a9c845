namespace CloudWg.Functions.Tokens;

/// <param name="Token">The secret, shown this once; use it as <c>Authorization: Bearer &lt;token&gt;</c>.</param>
public sealed record CreatedApiTokenDto(string Id, string Name, string Scope, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, string Token);

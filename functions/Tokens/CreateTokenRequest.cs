namespace CloudWg.Functions.Tokens;

/// <param name="Scope"><c>read</c> or <c>write</c>; the token never exceeds its admin's role.</param>
/// <param name="ExpiresInDays">1 to 365; default 30.</param>
public sealed record CreateTokenRequest(string? Name, string? Scope, int? ExpiresInDays);

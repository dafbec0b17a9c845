namespace CloudWg.Functions.Auth;

/// <summary>Rows <see cref="AuthPurger"/> removed.</summary>
public sealed record AuthPurgeReport(int Sessions, int Tokens, int RateLimits, int Nonces);

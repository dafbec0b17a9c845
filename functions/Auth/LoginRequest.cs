namespace CloudWg.Functions.Auth;

public sealed record LoginRequest(string? Username, string? Password);

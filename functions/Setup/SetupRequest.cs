namespace CloudWg.Functions.Setup;

/// <param name="Token">The one-time token from <c>&lt;state dir&gt;/setup-token</c>.</param>
public sealed record SetupRequest(string? Token, string? Username, string? Password);

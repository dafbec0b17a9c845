namespace CloudWg.Functions.Auth;

public sealed record TotpConfirmRequest(string? Code);

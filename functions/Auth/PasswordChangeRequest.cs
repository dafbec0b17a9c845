namespace CloudWg.Functions.Auth;

public sealed record PasswordChangeRequest(string? CurrentPassword, string? NewPassword);

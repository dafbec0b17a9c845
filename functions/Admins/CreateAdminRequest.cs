namespace CloudWg.Functions.Admins;

public sealed record CreateAdminRequest(string? Username, string? Password, string? Role);

namespace CloudWg.Functions.Admins;

/// <summary>Null members stay as they are.</summary>
/// <param name="ResetMfa">true turns TOTP off and drops the recovery codes, e.g. for a lost phone.</param>
/// <param name="Password">A new password; every session of the admin ends.</param>
public sealed record UpdateAdminRequest(string? Role, bool? Disabled, bool? ResetMfa, string? Password);

namespace CloudWg.Functions.Admins;

/// <summary>Fleet-wide security settings an owner controls.</summary>
/// <param name="RequireMfa">Every admin must use TOTP; one without it can only set it up after signing in.</param>
public sealed record SecuritySettings(bool RequireMfa);

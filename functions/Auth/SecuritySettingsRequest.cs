namespace CloudWg.Functions.Auth;

public sealed record SecuritySettingsRequest(bool? RequireMfa);

namespace CloudWg.Functions.Auth;

/// <summary>Shown once: only hashes are kept.</summary>
public sealed record RecoveryCodesResponse(IReadOnlyList<string> RecoveryCodes);

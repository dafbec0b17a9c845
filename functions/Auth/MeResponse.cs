namespace CloudWg.Functions.Auth;

/// <param name="MfaRequired">An owner requires MFA for every admin.</param>
/// <param name="MfaSetupRequired">MFA is required but this admin has not set it up: only account endpoints work until they do.</param>
/// <param name="AuthMethod"><c>session</c> or <c>token</c>.</param>
/// <param name="Scope">The API token's scope; null for sessions.</param>
public sealed record MeResponse(
    string Id,
    string Username,
    string Role,
    bool MfaEnabled,
    bool MfaRequired,
    bool MfaSetupRequired,
    int RecoveryCodesLeft,
    string AuthMethod,
    string? Scope);

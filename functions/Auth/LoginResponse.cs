namespace CloudWg.Functions.Auth;

/// <summary>Either a session (cookie set, <see cref="User"/> filled) or the MFA step (<see cref="MfaToken"/>, valid 2 min).</summary>
public sealed record LoginResponse(bool MfaRequired, string? MfaToken, MeResponse? User);

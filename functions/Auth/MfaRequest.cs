namespace CloudWg.Functions.Auth;

/// <param name="Code">A 6-digit TOTP code or a recovery code (<c>XXXX-XXXX-XXXX-XXXX</c>).</param>
public sealed record MfaRequest(string? MfaToken, string? Code);

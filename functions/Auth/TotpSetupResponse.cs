namespace CloudWg.Functions.Auth;

/// <param name="Secret">Base32 seed for manual entry.</param>
/// <param name="QrSvg">The otpauth URI as an SVG QR code (clients may render their own from the URI).</param>
public sealed record TotpSetupResponse(string Secret, string OtpauthUri, string QrSvg, DateTimeOffset ExpiresAt);

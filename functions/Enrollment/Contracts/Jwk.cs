namespace CloudWg.Functions.Enrollment.Contracts;

/// <summary>An EC P-256 public key as a JWK with its kid.</summary>
public sealed record Jwk(string Kty, string Crv, string X, string Y, string Kid, string Use);

namespace CloudWg.Functions.Enrollment.Contracts;

/// <summary>What a node pins: the root CA and the config-signing keys (current, and next during a rotation).</summary>
public sealed record TrustBundle(string RootCaPem, IReadOnlyList<Jwk> SigningKeys);

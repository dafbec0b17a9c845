namespace CloudWg.Functions.Enrollment;

/// <summary>
/// <c>POST /api/nodes/{id}/enrollment</c> answer. The token is shown once; only its hash is stored.
/// </summary>
/// <param name="InstallCommand">
/// Installs the agent and enrolls: <c>curl -fsSL URL/api/agent/install.sh | sudo sh -s -- --control-url URL --token TOKEN</c>.
/// When URL is served with the fleet-CA certificate (local mode) it also passes <c>--root-sha256</c>, and curl pins the
/// server's public key.
/// </param>
/// <param name="EnrollCommand">Enrolls an agent that is already installed (with <c>--root-sha256</c> in local mode, as above).</param>
/// <param name="RootCertificateSha256">
/// SHA-256 fingerprint (hex) of the root CA, so an agent can check the control plane's TLS certificate on its first
/// contact, before it has a trust bundle (local mTLS endpoints present a fleet-CA certificate).
/// </param>
public sealed record EnrollmentTokenResponse(string NodeId, string Token, DateTimeOffset ExpiresAt, string InstallCommand, string EnrollCommand, string RootCertificateSha256);

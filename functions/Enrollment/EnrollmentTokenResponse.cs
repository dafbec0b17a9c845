namespace CloudWg.Functions.Enrollment;

/// <summary>
/// <c>POST /api/nodes/{id}/enrollment</c> answer. The token is shown once; only its hash is stored.
/// </summary>
/// <param name="InstallCommand">Installs the agent and enrolls: <c>curl -fsSL URL/install.sh | sudo sh -s -- --control-url URL --token TOKEN</c>.</param>
/// <param name="EnrollCommand">Enrolls an agent that is already installed.</param>
public sealed record EnrollmentTokenResponse(string NodeId, string Token, DateTimeOffset ExpiresAt, string InstallCommand, string EnrollCommand);

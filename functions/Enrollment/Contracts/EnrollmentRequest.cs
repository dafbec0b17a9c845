namespace CloudWg.Functions.Enrollment.Contracts;

// TODO(protocol merge): replace these contract records with CloudWg.Protocol's once that branch lands on main.

/// <summary><c>POST /api/agent/enroll</c> body.</summary>
public sealed record EnrollmentRequest(string? Token, string? Csr, string? WireguardPublicKey, string? Hostname, string? AgentVersion);

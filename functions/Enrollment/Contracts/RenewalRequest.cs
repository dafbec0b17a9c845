namespace CloudWg.Functions.Enrollment.Contracts;

/// <summary><c>POST /api/agent/renew</c> body: a CSR for the new certificate (the node may keep or replace its key).</summary>
public sealed record RenewalRequest(string? Csr);

using Azure;
using Azure.Data.Tables;

namespace CloudWg.Functions.Auth;

/// <summary>
/// A session (row key <see cref="SessionStore.SessionRow"/>) or a pending MFA step (<see cref="SessionStore.MfaRow"/>)
/// in the <c>sessions</c> table. The partition key is the SHA-256 of the token; the token itself is never stored.
/// </summary>
public sealed class SessionEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string AdminId { get; set; } = "";

    /// <summary>The admin's security stamp when the session began; a different stamp now means the session is dead.</summary>
    public string Stamp { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset LastSeenAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public string? ClientAddress { get; set; }
}

using Azure;
using Azure.Data.Tables;

namespace CloudWg.Functions.Admins;

/// <summary>
/// An admin row in the <c>admins</c> table (partition <see cref="AdminStore.Partition"/>, row key = the
/// lowercase username, which is also the admin's id, so uniqueness is enforced by the insert itself).
/// Never leaves the process: the API maps it to <see cref="AdminDto"/>.
/// </summary>
public sealed class AdminEntity : ITableEntity
{
    public string PartitionKey { get; set; } = AdminStore.Partition;

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string Id => RowKey;

    public string Role { get; set; } = "";

    public bool Disabled { get; set; }

    public string PasswordHash { get; set; } = "";

    /// <summary>Changes whenever every session must die (password change, log out everywhere, disable).</summary>
    public string SecurityStamp { get; set; } = "";

    public bool MfaEnabled { get; set; }

    /// <summary>The TOTP seed, encrypted with <see cref="Auth.SecretProtector"/>.</summary>
    public string? TotpSecret { get; set; }

    /// <summary>The last RFC 6238 time step accepted, so a code is accepted once.</summary>
    public long LastTotpStep { get; set; }

    /// <summary>A seed awaiting confirmation, encrypted.</summary>
    public string? PendingTotpSecret { get; set; }

    public DateTimeOffset? PendingTotpExpiresAt { get; set; }

    /// <summary>Comma-separated hashes of the unused recovery codes.</summary>
    public string? RecoveryCodes { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? LastLoginAt { get; set; }

    public int RecoveryCodesLeft => string.IsNullOrEmpty(RecoveryCodes) ? 0 : RecoveryCodes.Split(',').Length;
}

namespace CloudWg.Functions.Admins;

/// <summary>An admin as the API shows it; never a hash, seed or code.</summary>
public sealed record AdminDto(
    string Id,
    string Username,
    string Role,
    bool Disabled,
    bool MfaEnabled,
    int RecoveryCodesLeft,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? LastLoginAt,
    string Etag)
{
    public static AdminDto From(AdminEntity e) => new(
        e.Id, e.Id, e.Role, e.Disabled, e.MfaEnabled, e.RecoveryCodesLeft, e.CreatedAt, e.UpdatedAt, e.LastLoginAt, e.ETag.ToString());
}

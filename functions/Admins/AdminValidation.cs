using System.Text.RegularExpressions;
using CloudWg.Functions.Auth;

namespace CloudWg.Functions.Admins;

/// <summary>Username, role and password rules, with messages that say what to fix.</summary>
public static partial class AdminValidation
{
    public static string NormalizeUsername(string? username) => (username ?? "").Trim().ToLowerInvariant();

    public static string? UsernameError(string username) => UsernamePattern().IsMatch(username)
        ? null
        : "Username must be 1 to 64 characters: letters, digits, '.', '_' or '-', starting with a letter or digit.";

    public static string? RoleError(string? role) => role is not null && Roles.All.Contains(role)
        ? null
        : $"Role must be one of: {string.Join(", ", Roles.All)}.";

    public static string? PasswordError(string? password, string username, int minimumLength)
    {
        if (string.IsNullOrEmpty(password) || password.Length < minimumLength)
        {
            return $"Password must be at least {minimumLength} characters long.";
        }

        if (password.Length > 1024)
        {
            return "Password must be at most 1024 characters long.";
        }

        if (string.Equals(password.Trim(), username, StringComparison.OrdinalIgnoreCase))
        {
            return "Password must not be the username.";
        }

        return null;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,63}$")]
    private static partial Regex UsernamePattern();
}

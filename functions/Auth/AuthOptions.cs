using System.ComponentModel.DataAnnotations;

namespace CloudWg.Functions.Auth;

/// <summary>
/// Settings under <c>CloudWg:Auth:</c>. The defaults here are the single source of DESIGN §2.1's values; every
/// one can be overridden by configuration (e.g. <c>CloudWg__Auth__SessionInactivity=00:15:00</c>).
/// </summary>
public sealed class AuthOptions
{
    public const string Section = "CloudWg:Auth";

    /// <summary>Absolute lifetime of a session, however active it is.</summary>
    [Range(typeof(TimeSpan), "00:05:00", "30.00:00:00")]
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>A session unused for this long is dead.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan SessionInactivity { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// How stale a session's last-seen time (and a token's last-used time) may get before a request writes it.
    /// Keeps the sliding expiry from costing a storage write per request.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan ActivityWriteInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Lifetime of the <c>mfaToken</c> between the password step and the code step.</summary>
    [Range(typeof(TimeSpan), "00:00:30", "00:30:00")]
    public TimeSpan MfaStepLifetime { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Time to confirm a new TOTP secret with a code.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "01:00:00")]
    public TimeSpan TotpSetupLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Lifetime of the one-time setup token; a new one is made when it expires and there is still no admin.</summary>
    [Range(typeof(TimeSpan), "00:05:00", "30.00:00:00")]
    public TimeSpan SetupTokenLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Failed logins (and failed MFA codes) allowed per account and per client address within <see cref="AttemptWindow"/>.</summary>
    [Range(1, 1000)]
    public int MaxFailedAttempts { get; set; } = 5;

    [Range(typeof(TimeSpan), "00:00:10", "1.00:00:00")]
    public TimeSpan AttemptWindow { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>PBKDF2-HMAC-SHA256 iterations for new hashes; OWASP's 2023 floor of 600,000 is also the minimum accepted.</summary>
    [Range(PasswordHasher.MinimumIterations, 100_000_000)]
    public int PasswordIterations { get; set; } = PasswordHasher.MinimumIterations;

    [Range(12, 128)]
    public int MinimumPasswordLength { get; set; } = 12;

    /// <summary>
    /// The request header that holds the client's address, set by the front end in place of whatever the client
    /// sent (App Service: <c>X-Client-IP</c>). Empty (the default): the connection's address. Never the first
    /// <c>X-Forwarded-For</c> entry, which the client writes itself and so could pick its own rate-limit bucket.
    /// </summary>
    [RegularExpression("^[A-Za-z0-9-]*$", ErrorMessage = "CloudWg:Auth:ClientAddressHeader must be a header name.")]
    public string ClientAddressHeader { get; set; } = "";

    /// <summary>
    /// Base64 of the 32-byte AES-256-GCM key that encrypts TOTP secrets at rest, for a deployment that manages the key
    /// itself. Unset (the normal case): with Key Vault configured, a data key wrapped by the Key Vault key
    /// <c>cloudwg-data-kek</c> and stored in the admins table (<see cref="KeyVaultDataKeySource"/>); without it, a
    /// key file <c>secrets.key</c> (0600) in the state directory, created on first use.
    /// </summary>
    [RegularExpression("^[A-Za-z0-9+/]{43}=$", ErrorMessage = "CloudWg:Auth:EncryptionKey must be the base64 of exactly 32 bytes.")]
    public string? EncryptionKey { get; set; }
}

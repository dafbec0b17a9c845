using CloudWg.Functions.Admins;
using CloudWg.Functions.RateLimiting;
using CloudWg.Functions.Setup;
using CloudWg.Functions.Tokens;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CloudWg.Functions.Auth;

public static class AuthenticationServiceCollectionExtensions
{
    /// <summary>
    /// Session-cookie and bearer-token authentication behind one policy scheme, the admin, session, token and
    /// rate-limit stores, and the setup-token bootstrap.
    /// </summary>
    public static IServiceCollection AddCloudWgAuthentication(this IServiceCollection services)
    {
        services.AddOptions<AuthOptions>()
            .BindConfiguration(AuthOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => o.SessionInactivity <= o.SessionLifetime, "CloudWg:Auth:SessionInactivity must not exceed SessionLifetime.")
            .ValidateOnStart();

        services.AddAuthentication(CloudWgAuthenticationDefaults.Scheme)
            .AddPolicyScheme(CloudWgAuthenticationDefaults.Scheme, "Session cookie or API token", o => o.ForwardDefaultSelector = context =>
                context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? CloudWgAuthenticationDefaults.TokenScheme
                    : CloudWgAuthenticationDefaults.SessionScheme)
            .AddScheme<AuthenticationSchemeOptions, SessionAuthenticationHandler>(CloudWgAuthenticationDefaults.SessionScheme, null)
            .AddScheme<AuthenticationSchemeOptions, TokenAuthenticationHandler>(CloudWgAuthenticationDefaults.TokenScheme, null);

        services.AddSingleton<AuthTables>();
        services.AddSingleton<PasswordHasher>();
        services.AddSingleton<SecretProtector>();
        services.TryAddSingleton<IDataKeySource>(sp => UseKeyVaultDataKey(sp)
            ? ActivatorUtilities.CreateInstance<KeyVaultDataKeySource>(sp)
            : ActivatorUtilities.CreateInstance<LocalDataKeySource>(sp));
        services.AddSingleton<TotpService>();
        services.AddSingleton<ClientAddress>();
        services.AddSingleton<AuthAudit>();
        services.AddSingleton<AdminStore>();
        services.AddSingleton<SessionStore>();
        services.AddSingleton<ApiTokenStore>();
        services.AddSingleton<TableRateLimiter>();
        services.AddSingleton<AuthPurger>();
        services.AddSingleton<KeyVaultSetupToken>();
        services.AddSingleton<SetupTokenService>();
        services.AddHostedService<SetupBootstrapService>();
        return services;
    }

    /// <summary>
    /// The Key Vault-wrapped data key whenever the app runs against Key Vault (Azure: no shared disk), unless an explicit
    /// <see cref="AuthOptions.EncryptionKey"/> is configured; the state directory's key file otherwise.
    /// </summary>
    private static bool UseKeyVaultDataKey(IServiceProvider services) =>
        string.IsNullOrEmpty(services.GetRequiredService<IOptions<AuthOptions>>().Value.EncryptionKey)
        && KeyVault.KeyVaultServiceCollectionExtensions.VaultUri(services.GetRequiredService<IConfiguration>()) is not null;

    /// <summary>Authentication, then the CSRF header check for cookie-authenticated writes. Call before <c>UseAuthorization</c>.</summary>
    public static IApplicationBuilder UseCloudWgAuthentication(this IApplicationBuilder app) =>
        app.UseAuthentication().UseMiddleware<CsrfMiddleware>();
}

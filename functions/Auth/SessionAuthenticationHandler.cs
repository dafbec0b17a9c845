using System.Text.Encodings.Web;
using CloudWg.Functions.Admins;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace CloudWg.Functions.Auth;

/// <summary>
/// Authenticates the <c>cloudwg_session</c> cookie: the session must exist, be within its absolute lifetime and
/// inactivity timeout, and carry its admin's current security stamp; the admin must be enabled.
/// </summary>
public sealed class SessionAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory logger,
    UrlEncoder encoder,
    SessionStore sessions,
    AdminStore admins,
    TimeProvider time,
    IOptions<AuthOptions> options) : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Cookies.TryGetValue(CloudWgAuthenticationDefaults.CookieName, out var token) || string.IsNullOrEmpty(token))
        {
            return AuthenticateResult.NoResult();
        }

        var ct = Context.RequestAborted;
        var session = await sessions.FindAsync(SessionStore.SessionRow, token, ct);
        if (session is null)
        {
            return AuthenticateResult.Fail("Your session has ended or expired; sign in again.");
        }

        if (time.GetUtcNow() - session.LastSeenAt >= options.Value.SessionInactivity)
        {
            await sessions.DeleteAsync(session, ct);
            return AuthenticateResult.Fail($"Your session expired after {options.Value.SessionInactivity.TotalMinutes:0} minutes without activity; sign in again.");
        }

        var admin = await admins.GetAsync(session.AdminId, ct);
        if (admin is null || admin.Disabled || admin.SecurityStamp != session.Stamp)
        {
            await sessions.DeleteAsync(session, ct);
            return AuthenticateResult.Fail("Your session was ended (password change, sign-out everywhere or an account change); sign in again.");
        }

        await sessions.TouchAsync(session, ct);
        var mfaSetupRequired = !admin.MfaEnabled && (await admins.GetSettingsAsync(ct)).RequireMfa;
        var principal = AdminPrincipal.Create(admin, Scheme.Name, CloudWgClaims.MethodSession, scope: null, mfaSetupRequired);
        return AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
    }
}

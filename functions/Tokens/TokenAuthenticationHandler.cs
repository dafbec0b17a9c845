using System.Text.Encodings.Web;
using CloudWg.Functions.Admins;
using CloudWg.Functions.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace CloudWg.Functions.Tokens;

/// <summary>Authenticates <c>Authorization: Bearer cwg_…</c>; the token acts with its admin's current role, limited by its scope.</summary>
public sealed class TokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiTokenStore tokens,
    AdminStore admins) : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        var ct = Context.RequestAborted;
        var token = await tokens.ValidateAsync(header["Bearer ".Length..].Trim(), ct);
        if (token is null)
        {
            return AuthenticateResult.Fail("The API token is unknown, revoked or expired.");
        }

        var admin = await admins.GetAsync(token.AdminId, ct);
        // A token older than its admin belongs to a deleted account whose username was reused.
        if (admin is null || admin.Disabled || token.CreatedAt < admin.CreatedAt)
        {
            return AuthenticateResult.Fail("The API token's admin account is disabled or deleted.");
        }

        await tokens.TouchAsync(token, ct);
        var principal = AdminPrincipal.Create(admin, Scheme.Name, CloudWgClaims.MethodToken, token.Scope, mfaSetupRequired: false);
        return AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
    }
}

using System.Security.Claims;
using System.Text.Encodings.Web;
using CloudWg.Functions.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudWg.Functions.Tests.Infrastructure;

/// <summary>
/// TEST-ONLY authentication: header <c>X-Test-User: alice;admin</c> authenticates as user alice with role admin.
/// Fleet and PKI tests use it to reach admin endpoints without a login round trip (<see cref="FleetApp"/>, the PKI
/// test app); the real session and token pipeline is covered by the Auth tests and the authorization matrix.
/// </summary>
public sealed class TestAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Test";
    public const string Header = "X-Test-User";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var value = Request.Headers[Header].ToString();
        if (value.Split(';') is not [var name, var role] || name.Length == 0 || !Roles.All.Contains(role))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.Role, role)], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }
}

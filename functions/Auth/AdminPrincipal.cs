using System.Security.Claims;
using CloudWg.Functions.Admins;

namespace CloudWg.Functions.Auth;

/// <summary>Builds the claims both authentication handlers produce, so policies see one shape.</summary>
public static class AdminPrincipal
{
    public static ClaimsPrincipal Create(AdminEntity admin, string scheme, string method, string? scope, bool mfaSetupRequired)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, admin.Id),
            new(ClaimTypes.Name, admin.Id),
            new(ClaimTypes.Role, admin.Role),
            new(CloudWgClaims.Method, method),
        };
        if (scope is not null)
        {
            claims.Add(new Claim(CloudWgClaims.Scope, scope));
        }

        if (mfaSetupRequired)
        {
            claims.Add(new Claim(CloudWgClaims.MfaSetupRequired, "true"));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme, ClaimTypes.Name, ClaimTypes.Role));
    }

    public static string Id(ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.NameIdentifier) ?? "anonymous";
}

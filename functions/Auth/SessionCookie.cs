using System.Net;

namespace CloudWg.Functions.Auth;

/// <summary>Writes and clears the session cookie: HttpOnly, SameSite=Strict, Path=/api, Secure unless plain http on loopback.</summary>
public static class SessionCookie
{
    public static void Set(HttpContext context, string token, DateTimeOffset expires) =>
        context.Response.Cookies.Append(CloudWgAuthenticationDefaults.CookieName, token, Options(context, expires));

    public static void Clear(HttpContext context) =>
        context.Response.Cookies.Delete(CloudWgAuthenticationDefaults.CookieName, Options(context, null));

    public static string? Read(HttpContext context) =>
        context.Request.Cookies.TryGetValue(CloudWgAuthenticationDefaults.CookieName, out var value) && !string.IsNullOrEmpty(value) ? value : null;

    private static CookieOptions Options(HttpContext context, DateTimeOffset? expires) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Path = CloudWgAuthenticationDefaults.CookiePath,
        Secure = !IsLoopbackHttp(context.Request),
        Expires = expires,
        IsEssential = true,
    };

    // Behind the Functions host the app sees http on loopback but the browser used https to a public name, so
    // the Host header (not the connection) decides: only a browser talking to localhost over http is exempt.
    private static bool IsLoopbackHttp(HttpRequest request)
    {
        if (request.IsHttps)
        {
            return false;
        }

        var host = request.Host.Host;
        return string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
    }
}

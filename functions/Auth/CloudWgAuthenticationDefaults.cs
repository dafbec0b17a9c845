namespace CloudWg.Functions.Auth;

/// <summary>Authentication scheme names, the session cookie and the CSRF header.</summary>
public static class CloudWgAuthenticationDefaults
{
    /// <summary>The default scheme: picks <see cref="TokenScheme"/> for a bearer token, else <see cref="SessionScheme"/>.</summary>
    public const string Scheme = "CloudWg";

    public const string SessionScheme = "CloudWg.Session";

    public const string TokenScheme = "CloudWg.Token";

    public const string CookieName = "cloudwg_session";

    public const string CookiePath = "/api";

    /// <summary>Cookie-authenticated unsafe requests must send this header with value <c>1</c>.</summary>
    public const string CsrfHeader = "X-CloudWg-Request";
}

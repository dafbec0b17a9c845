namespace CloudWg.Functions.Auth;

/// <summary>
/// CSRF defence in depth (besides SameSite=Strict): a request authenticated by the session cookie that may change
/// something must carry <c>X-CloudWg-Request: 1</c>, which a cross-site form or image cannot send.
/// </summary>
public sealed class CsrfMiddleware(RequestDelegate next, IProblemDetailsService problems)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.User.FindFirst(CloudWgClaims.Method)?.Value == CloudWgClaims.MethodSession
            && !(HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method) || HttpMethods.IsOptions(context.Request.Method) || HttpMethods.IsTrace(context.Request.Method))
            && context.Request.Headers[CloudWgAuthenticationDefaults.CsrfHeader] != "1")
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            await problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails =
                {
                    Status = StatusCodes.Status403Forbidden,
                    Title = "Missing CSRF header",
                    Detail = $"Requests signed in with the session cookie that change something must send the header '{CloudWgAuthenticationDefaults.CsrfHeader}: 1'.",
                },
            });
            return;
        }

        await next(context);
    }
}

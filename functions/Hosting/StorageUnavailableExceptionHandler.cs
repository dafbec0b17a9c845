using Azure;
using Microsoft.AspNetCore.Diagnostics;

namespace CloudWg.Functions.Hosting;

/// <summary>
/// Storage that cannot be reached (network failure, or tables not created yet on a fresh account) is the caller's
/// cue to retry, not a server bug: answer 503 problem+json with Retry-After instead of 500. Every handler is safe to
/// retry (DESIGN §1.3). The same for the Key Vault-held data key of TOTP secrets, whose message tells the operator
/// what to fix.
/// </summary>
public sealed partial class StorageUnavailableExceptionHandler(IProblemDetailsService problems, ILogger<StorageUnavailableExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (httpContext.Response.HasStarted)
        {
            return false;
        }

        if (exception is Auth.DataKeyUnavailableException keyUnavailable)
        {
            LogKeyUnavailable(logger, httpContext.Request.Method, httpContext.Request.Path, keyUnavailable.Message);
            return await ServiceUnavailableAsync(httpContext, exception, "Encryption key unavailable", keyUnavailable.Message + " Nothing was changed.");
        }

        if (!IsStorageUnavailable(exception))
        {
            return false;
        }

        LogUnavailable(logger, httpContext.Request.Method, httpContext.Request.Path, exception.GetBaseException().Message);
        httpContext.Response.Headers.RetryAfter = "5";
        return await ServiceUnavailableAsync(
            httpContext, exception, "Storage unavailable", "The control plane cannot reach its storage right now. Nothing was changed; try again in a few seconds.");
    }

    private ValueTask<bool> ServiceUnavailableAsync(HttpContext httpContext, Exception exception, string title, string detail)
    {
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        return problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = title,
                Detail = detail,
            },
        });
    }

    public static bool IsStorageUnavailable(Exception exception) => exception switch
    {
        // Status 0: the request never got an HTTP answer (connection refused, DNS, timeout).
        RequestFailedException { Status: 0 } => true,
        RequestFailedException { Status: 404, ErrorCode: "TableNotFound" or "QueueNotFound" or "ContainerNotFound" } => true,
        RequestFailedException { Status: 500 or 502 or 503 or 504 } => true,
        HttpRequestException => true,
        AggregateException aggregate => aggregate.InnerExceptions.All(IsStorageUnavailable),
        _ => false,
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "{Method} {Path}: {Reason}; answered 503")]
    private static partial void LogKeyUnavailable(ILogger logger, string method, string path, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path}: storage unavailable ({Reason}); answered 503")]
    private static partial void LogUnavailable(ILogger logger, string method, string path, string reason);
}

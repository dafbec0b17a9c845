using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace CloudWg.Functions.Enrollment;

/// <summary>
/// Per-client-address limit on anonymous enrollment attempts. In-process on purpose: tokens carry 256 bits, so this
/// only blunts floods, and a node's enrollment must not depend on a storage round trip for a counter.
/// </summary>
public sealed class EnrollmentRateLimit(IOptions<EnrollmentOptions> options, Auth.ClientAddress clientAddress) : IEndpointFilter, IDisposable
{
    private readonly PartitionedRateLimiter<string> limiter = PartitionedRateLimiter.Create<string, string>(address =>
        RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.Value.AttemptsPerMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        }));

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var address = clientAddress.Of(context.HttpContext);
        using var lease = limiter.AttemptAcquire(address);
        if (!lease.IsAcquired)
        {
            context.HttpContext.Response.Headers.RetryAfter = "60";
            return TypedResults.Problem(
                detail: "Too many enrollment attempts from this address; wait a minute and try again.",
                statusCode: StatusCodes.Status429TooManyRequests,
                title: "Too many requests");
        }

        return await next(context).ConfigureAwait(false);
    }

    public void Dispose() => limiter.Dispose();
}

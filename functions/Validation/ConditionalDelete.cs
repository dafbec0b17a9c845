using Azure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CloudWg.Functions.Validation;

/// <summary>A stored resource whose writes are conditional on its <see cref="ETag"/> (the API's If-Match).</summary>
public interface IVersioned
{
    ETag ETag { get; }
}

/// <summary>The DELETE of a resource that needs If-Match (a node's peers, routes and firewall rules).</summary>
public static class ConditionalDelete
{
    /// <summary>
    /// Answers 404 when <paramref name="current"/> is null, then 428 without If-Match (an unknown id is a 404 either
    /// way); deletes it with the client's ETag (with <c>*</c>, the version just read), answering storage's 412 and 404
    /// about <paramref name="what"/>; on success runs <paramref name="deleted"/> (the caller's bookkeeping) and answers 204.
    /// </summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> RunAsync<T>(
        HttpContext context,
        T? current,
        ProblemHttpResult notFound,
        string what,
        Func<T, ETag, CancellationToken, Task> delete,
        Func<T, Task> deleted,
        CancellationToken cancellationToken)
        where T : class, IVersioned
    {
        var (etag, precondition) = IfMatch.Read(context.Request);
        if (current is null)
        {
            return notFound;
        }

        if (precondition is not null)
        {
            return precondition;
        }

        try
        {
            await delete(current, etag == ETag.All ? current.ETag : etag, cancellationToken);
        }
        catch (RequestFailedException e) when (RequestBody.FromStorage(e, what) is { } answer)
        {
            return answer;
        }

        await deleted(current);
        return TypedResults.NoContent();
    }
}

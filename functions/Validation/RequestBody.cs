using Microsoft.AspNetCore.Http.HttpResults;

namespace CloudWg.Functions.Validation;

/// <summary>Reads a request body into a <see cref="FieldReader"/>, or the problem to answer with.</summary>
public static class RequestBody
{
    public static async Task<(FieldReader? Reader, ProblemHttpResult? Problem)> ReadAsync(HttpRequest request, bool patch, CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonBody.ReadObjectAsync(request, allowMergePatch: patch, cancellationToken);
        return problem is not null ? (null, problem) : (new FieldReader(body), null);
    }

    /// <summary>Maps a storage precondition failure or vanished row to the API's answer.</summary>
    public static ProblemHttpResult? FromStorage(Azure.RequestFailedException e, string what) => e.Status switch
    {
        StatusCodes.Status412PreconditionFailed => Problems.PreconditionFailed(),
        StatusCodes.Status404NotFound => Problems.NotFound($"{what} does not exist (any more)."),
        _ => null,
    };
}

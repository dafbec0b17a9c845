using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace CloudWg.Functions.Agent;

/// <summary>
/// Reads a JSON request body by hand so that a malformed body is always a 400 naming <c>body</c> (framework binding
/// throws in Development and answers without detail otherwise), and a wrong content type a 415.
/// </summary>
public static class JsonBody
{
    public static async Task<(T? Value, IResult? Error)> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class
    {
        if (!request.HasJsonContentType())
        {
            return (null, TypedResults.Problem(
                detail: "Send the body as JSON with Content-Type: application/json.",
                statusCode: StatusCodes.Status415UnsupportedMediaType,
                title: "Unsupported media type"));
        }

        try
        {
            var value = await request.ReadFromJsonAsync<T>(cancellationToken).ConfigureAwait(false);
            return value is null ? (null, Invalid("The body must be a JSON object.")) : (value, null);
        }
        catch (JsonException e)
        {
            return (null, Invalid("The body is not valid JSON for this request: " + e.Message));
        }
        catch (BadHttpRequestException e)
        {
            // Kestrel's limits: 413 for a body over 1 MiB, 400 for a truncated one.
            return (null, TypedResults.Problem(
                detail: e.StatusCode == StatusCodes.Status413PayloadTooLarge ? "The body is larger than 1 MiB." : "The body could not be read: " + e.Message,
                statusCode: e.StatusCode));
        }
    }

    [SuppressMessage("Design", "CA1859", Justification = "Callers treat all errors alike.")]
    private static IResult Invalid(string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = [message] });
}

using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CloudWg.Functions.Auth;

/// <summary>
/// Reads a JSON request body without model binding, so a malformed body is a 4xx problem that says what is wrong
/// (naming the field when one has the wrong type) in every environment, never an exception.
/// </summary>
public static class RequestJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { MaxDepth = 16 };

    public static async Task<(T? Body, ProblemHttpResult? Problem)> ReadAsync<T>(HttpContext context)
        where T : class
    {
        if (!context.Request.HasJsonContentType())
        {
            return (null, TypedResults.Problem("Send a JSON object with 'Content-Type: application/json'.", statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type"));
        }

        try
        {
            var body = await JsonSerializer.DeserializeAsync<T>(context.Request.Body, Options, context.RequestAborted);
            return body is null ? (null, BadRequest("The body must be a JSON object.")) : (body, null);
        }
        catch (JsonException e)
        {
            var field = e.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : null;
            return (null, field is null
                ? BadRequest("The body must be a well-formed JSON object.")
                : BadRequest($"'{field}' has the wrong type or an invalid value.", field));
        }
        catch (BadHttpRequestException e)
        {
            return (null, TypedResults.Problem("The request body could not be read.", statusCode: e.StatusCode, title: "Bad request"));
        }
    }

    private static ProblemHttpResult BadRequest(string detail, string? field = null) => TypedResults.Problem(
        detail,
        statusCode: StatusCodes.Status400BadRequest,
        title: "Invalid request body",
        extensions: field is null ? null : new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [field] = [detail] } });
}

using Microsoft.AspNetCore.Http.HttpResults;

namespace CloudWg.Functions.Validation;

/// <summary>RFC 9457 problem results with a sentence that says what to do, one place for every status the API uses.</summary>
public static class Problems
{
    public static ProblemHttpResult NotFound(string detail) => Problem(StatusCodes.Status404NotFound, "Not found", detail);

    public static ProblemHttpResult Conflict(string detail) => Problem(StatusCodes.Status409Conflict, "Conflict", detail);

    public static ProblemHttpResult BadRequest(string detail) => Problem(StatusCodes.Status400BadRequest, "Bad request", detail);

    public static ProblemHttpResult PreconditionRequired() => Problem(
        StatusCodes.Status428PreconditionRequired,
        "If-Match required",
        "Send the resource's current ETag in an If-Match header (GET it first) so that concurrent changes are not overwritten.");

    public static ProblemHttpResult PreconditionFailed() => Problem(
        StatusCodes.Status412PreconditionFailed,
        "Changed by someone else",
        "The resource was changed by someone else since you read it: reload it and apply your change again.");

    public static ProblemHttpResult PayloadTooLarge() => Problem(
        StatusCodes.Status413PayloadTooLarge,
        "Request body too large",
        $"Request bodies are limited to {JsonBody.MaxBytes / 1024 / 1024} MiB.");

    public static ProblemHttpResult UnsupportedMediaType() => Problem(
        StatusCodes.Status415UnsupportedMediaType,
        "Unsupported media type",
        "Send the body as JSON with Content-Type: application/json.");

    public static ProblemHttpResult Unavailable(string detail) => Problem(StatusCodes.Status503ServiceUnavailable, "Service unavailable", detail);

    /// <summary>400 with <c>errors</c>: JSON path of each bad field (<c>sni[1]</c>, <c>firewallPolicy.input</c>) → messages.</summary>
    public static ValidationProblem Validation(IDictionary<string, string[]> errors) => TypedResults.ValidationProblem(
        errors,
        detail: "Some fields are invalid: " + string.Join(", ", errors.Keys) + ". See errors for what to fix.",
        title: "Invalid request");

    private static ProblemHttpResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title);
}

using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace CloudWg.Functions.Validation;

/// <summary>
/// Reads a JSON request body ourselves instead of through model binding, so that every failure is a
/// problem+json naming what is wrong: 415 for another content type, 413 above <see cref="MaxBytes"/> (enforced
/// here too, because not every server in front of the app — e.g. the test server — applies Kestrel's limit),
/// 400 for malformed JSON or a non-object.
/// </summary>
public static class JsonBody
{
    public const int MaxBytes = 1024 * 1024;

    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 32 };

    /// <summary>The body as a JSON object, or the problem to answer with.</summary>
    public static async Task<(JsonElement Body, ProblemHttpResult? Problem)> ReadObjectAsync(HttpRequest request, bool allowMergePatch, CancellationToken cancellationToken)
    {
        if (!IsJson(request.ContentType, allowMergePatch))
        {
            return (default, Problems.UnsupportedMediaType());
        }

        if (request.ContentLength > MaxBytes)
        {
            return (default, Problems.PayloadTooLarge());
        }

        byte[] bytes;
        try
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > MaxBytes)
                {
                    return (default, Problems.PayloadTooLarge());
                }

                buffer.Write(chunk, 0, read);
            }

            bytes = buffer.ToArray();
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (default, Problems.PayloadTooLarge());
        }

        try
        {
            using var document = JsonDocument.Parse(bytes, Options);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (default, Problems.BadRequest("The body must be a JSON object."));
            }

            return (document.RootElement.Clone(), null);
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" (line {line + 1}, byte {e.BytePositionInLine + 1})" : "";
            return (default, Problems.BadRequest($"The body is not valid JSON{where}."));
        }
    }

    private static bool IsJson(string? contentType, bool allowMergePatch)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var media))
        {
            return false;
        }

        var type = media.MediaType.Value;
        if (media.Charset.HasValue && !media.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return string.Equals(type, "application/json", StringComparison.OrdinalIgnoreCase)
            || (allowMergePatch && string.Equals(type, "application/merge-patch+json", StringComparison.OrdinalIgnoreCase));
    }
}

using Azure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CloudWg.Functions.Validation;

/// <summary>
/// The API's ETags are Table Storage ETags made strong (<c>W/"datetime'…'"</c> → <c>"datetime'…'"</c>), so
/// clients may compare them with RFC 9110's strong comparison in If-Match.
/// </summary>
public static class IfMatch
{
    /// <summary>The storage ETag the client expects, or the 428 to answer with. <c>*</c> matches any version.</summary>
    public static (ETag ETag, ProblemHttpResult? Problem) Read(HttpRequest request)
    {
        var header = request.Headers.IfMatch.ToString().Trim();
        if (header.Length == 0)
        {
            return (default, Problems.PreconditionRequired());
        }

        if (header == "*")
        {
            return (ETag.All, null);
        }

        // One ETag only: a list of versions would make "exactly the version you read" ambiguous.
        return header.Contains(',', StringComparison.Ordinal)
            ? (default, Problems.BadRequest("If-Match must hold exactly one ETag."))
            : (ToStorage(header), null);
    }

    /// <summary>The ETag as the API shows it (header and <c>etag</c> field).</summary>
    public static string ToApi(ETag etag)
    {
        var text = etag.ToString();
        return text.StartsWith("W/", StringComparison.Ordinal) ? text[2..] : text;
    }

    private static ETag ToStorage(string header)
    {
        var text = header.StartsWith("W/", StringComparison.Ordinal) ? header[2..] : header;
        return new ETag("W/" + text);
    }

    /// <summary>Sets the response's ETag header.</summary>
    public static void SetHeader(HttpContext context, ETag etag) => context.Response.Headers.ETag = ToApi(etag);
}

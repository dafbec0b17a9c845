using System.Net;
using CloudWg.Functions.Triggers;
using CloudWg.Functions.Validation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CloudWg.Functions.Reports;

public static class ReportEndpoints
{
    /// <summary>
    /// <c>POST /IngestReports</c>: the queue trigger's custom-handler endpoint. Like the timer endpoints it lives
    /// outside <c>/api</c> and answers loopback callers only. A rejected report is a handled message (200, counted);
    /// only an infrastructure failure answers 500, so the host retries and finally poisons the message.
    /// </summary>
    public static IEndpointRouteBuilder MapReports(this IEndpointRouteBuilder app)
    {
        app.MapPost("/" + QueueFunctions.IngestReports, IngestAsync)
            .AllowAnonymous()
            .ExcludeFromDescription()
            .WithName("trigger-" + QueueFunctions.IngestReports);
        return app;
    }

    public static async Task<Results<Ok<CustomHandlerResponse>, ProblemHttpResult>> IngestAsync(
        CustomHandlerRequest request, HttpContext context, ReportIngestor ingestor, CancellationToken cancellationToken)
    {
        if (context.Connection.RemoteIpAddress is not { } remote || !IPAddress.IsLoopback(remote))
        {
            return Problems.NotFound("No such resource.");
        }

        if (ReportMessages.FromCustomHandlerData(request.Data) is not { } message)
        {
            return TypedResults.Ok(new CustomHandlerResponse(new Dictionary<string, object?>(), ["No report in Data.report; message dropped."], null));
        }

        var outcome = await ingestor.IngestAsync(message, cancellationToken);
        var log = outcome.Accepted ? $"Stored the report of node {outcome.NodeId}." : $"Rejected a report ({outcome.Rejection}): {outcome.Detail}";
        return TypedResults.Ok(new CustomHandlerResponse(new Dictionary<string, object?>(), [log], outcome.Accepted));
    }
}

using CloudWg.Functions.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CloudWg.Functions.Health;

public static class HealthEndpoints
{
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(3);

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/health", GetHealth)
            .WithTags("Health")
            .AllowAnonymous()
            .WithSummary("Whether Table, Queue and Blob storage are reachable (200) or not (503, naming the part).");
        return app;
    }

    public static async Task<Results<Ok<HealthReport>, JsonHttpResult<HealthReport>>> GetHealth(StorageClients storage, CancellationToken cancellationToken)
    {
        var checks = await Task.WhenAll(
            Check("table", ct => storage.Tables.QueryAsync(t => t.Name == storage.Names.Table("nodes"), maxPerPage: 1, cancellationToken: ct).AsPages().GetAsyncEnumerator(ct).MoveNextAsync().AsTask(), cancellationToken),
            Check("queue", ct => storage.Queues.GetQueueClient(storage.Names.ReportsQueue).ExistsAsync(ct), cancellationToken),
            Check("blob", ct => storage.Blobs.GetBlobContainerClient(storage.Names.DesiredStateContainer).ExistsAsync(ct), cancellationToken));
        var failing = checks.Where(c => c.Health.Status != "ok").Select(c => c.Name).ToList();
        var report = new HealthReport(failing.Count == 0 ? "healthy" : "unhealthy", failing, checks.ToDictionary(c => c.Name, c => c.Health));
        return failing.Count == 0
            ? TypedResults.Ok(report)
            : TypedResults.Json(report, statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task<(string Name, DependencyHealth Health)> Check(string name, Func<CancellationToken, Task> probe, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CheckTimeout);
        try
        {
            await probe(timeout.Token);
            return (name, new DependencyHealth("ok"));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (name, new DependencyHealth("unreachable", $"{name} storage did not answer within {CheckTimeout.TotalSeconds:0} s"));
        }
        catch (Exception e) when (e is Azure.RequestFailedException or HttpRequestException or AggregateException)
        {
            var reason = e is Azure.RequestFailedException rfe ? $"HTTP {rfe.Status} {rfe.ErrorCode}" : e.GetBaseException().Message;
            return (name, new DependencyHealth("unreachable", $"{name} storage failed: {reason}"));
        }
    }
}

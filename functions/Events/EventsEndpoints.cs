using System.Globalization;
using System.Text;
using System.Text.Json;
using CloudWg.Functions.Auth;
using CloudWg.Functions.Changes;
using Microsoft.Extensions.Options;

namespace CloudWg.Functions.Events;

public static class EventsEndpoints
{
    private const int PageSize = 500;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static IServiceCollection AddCloudWgEvents(this IServiceCollection services)
    {
        services.AddOptions<EventsOptions>().BindConfiguration(EventsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        return services;
    }

    /// <summary>
    /// <c>GET /api/events</c>: server-sent events for live updates, one <c>change</c> event per change-feed entry.
    /// Backed by the change feed in Table Storage, so every instance sees every other instance's changes.
    /// </summary>
    public static IEndpointRouteBuilder MapEvents(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/events", StreamAsync)
            .RequireAuthorization(Policies.Viewer)
            .WithTags("Events")
            .WithSummary("Server-sent events: a 'change' event (id = feed seq) for every change to nodes, peers, routes and firewall rules.")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream");
        return app;
    }

    public static async Task StreamAsync(HttpContext context, ChangeFeed feed, IOptions<EventsOptions> options, TimeProvider time)
    {
        var settings = options.Value;
        var cancellationToken = context.RequestAborted;
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers["X-Accel-Buffering"] = "no";
        await context.Response.WriteAsync("retry: 2000\n: connected\n\n", cancellationToken);
        await context.Response.Body.FlushAsync(cancellationToken);

        var started = time.GetUtcNow();
        var cursor = ResumePoint(context.Request.Headers["Last-Event-ID"].ToString(), started);
        var seen = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var lastWrite = started;
        string? lastSeq = null;
        var fullPage = false;
        try
        {
            while (!cancellationToken.IsCancellationRequested && time.GetUtcNow() - started < settings.MaxDuration)
            {
                // Normally re-read an overlap (clock skew between instances); after a full page, read straight on so
                // a burst larger than a page cannot pin the stream to the same window.
                var from = cursor - settings.Overlap;
                var entries = await feed.ReadAsync(fullPage ? lastSeq : Seq(from), from, PageSize, cancellationToken);
                fullPage = entries.Count == PageSize;
                lastSeq = entries.Count > 0 ? entries[^1].Seq : lastSeq;
                var output = new StringBuilder();
                foreach (var entry in entries.Where(e => seen.TryAdd(e.Seq, e.Time)))
                {
                    output.Append("id: ").Append(entry.Seq).Append("\nevent: change\ndata: ")
                        .Append(JsonSerializer.Serialize(entry, Json)).Append("\n\n");
                    if (entry.Time > cursor)
                    {
                        cursor = entry.Time;
                    }
                }

                var now = time.GetUtcNow();
                if (output.Length == 0 && now - lastWrite >= settings.Heartbeat)
                {
                    output.Append(": ping\n\n");
                }

                if (output.Length > 0)
                {
                    await context.Response.WriteAsync(output.ToString(), cancellationToken);
                    await context.Response.Body.FlushAsync(cancellationToken);
                    lastWrite = now;
                }

                foreach (var old in seen.Where(s => s.Value < cursor - (2 * settings.Overlap)).Select(s => s.Key).ToList())
                {
                    seen.Remove(old);
                }

                if (!fullPage)
                {
                    await Task.Delay(settings.PollInterval, time, cancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The browser went away.
        }
    }

    /// <summary>Where a stream starts: just after the last event the browser saw, or now for a new stream.</summary>
    private static DateTimeOffset ResumePoint(string lastEventId, DateTimeOffset now)
    {
        if (lastEventId.Length >= 19 && long.TryParse(lastEventId.AsSpan(0, 19), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            && ticks <= now.UtcTicks && ticks > now.UtcTicks - TimeSpan.FromHours(1).Ticks)
        {
            return new DateTimeOffset(ticks, TimeSpan.Zero);
        }

        return now;
    }

    private static string Seq(DateTimeOffset at) => at.UtcTicks.ToString("D19", CultureInfo.InvariantCulture);
}

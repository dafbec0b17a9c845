using System.Net;
using CloudWg.Functions.Validation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CloudWg.Functions.Triggers;

/// <summary>
/// <c>POST /&lt;FunctionName&gt;</c> for each timer function, as the Functions custom-handler contract requires.
/// They are outside <c>/api</c>: the Functions host proxies only <c>/api/*</c> (the one HTTP function) from the
/// internet and calls these itself over loopback, and Static Web Apps forwards only <c>/api</c>. They also answer
/// only loopback callers (404 to anyone else), which covers a local run exposed with <c>--urls http://0.0.0.0:…</c>.
/// A shared-secret header is not possible: the Functions host sends no configurable header to custom handlers.
/// </summary>
public static class TriggerEndpoints
{
    public static IEndpointRouteBuilder MapTriggers(this IEndpointRouteBuilder app)
    {
        foreach (var function in TriggerFunctions.All)
        {
            app.MapPost("/" + function.Name, (HttpContext context, IServiceProvider services, CancellationToken ct) => InvokeAsync(function, context, services, ct))
                .AllowAnonymous()
                .ExcludeFromDescription()
                .WithName("trigger-" + function.Name);
        }

        return app;
    }

    public static async Task<Results<Ok<CustomHandlerResponse>, ProblemHttpResult>> InvokeAsync(
        TriggerFunction function, HttpContext context, IServiceProvider services, CancellationToken cancellationToken)
    {
        if (context.Connection.RemoteIpAddress is not { } remote || !IPAddress.IsLoopback(remote))
        {
            return Problems.NotFound("No such resource.");
        }

        var (report, log) = await function.Run(services, cancellationToken);
        return TypedResults.Ok(new CustomHandlerResponse(new Dictionary<string, object?>(), [log], report));
    }
}

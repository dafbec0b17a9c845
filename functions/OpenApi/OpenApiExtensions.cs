namespace CloudWg.Functions.OpenApi;

public static class OpenApiExtensions
{
    public const string DocumentPath = "/api/openapi.json";

    public static IServiceCollection AddCloudWgOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "CloudWg control plane";
            document.Info.Description = "Errors are RFC 9457 problem+json. PATCH and DELETE need If-Match with the resource's ETag (428 without, 412 when it changed).";
            return Task.CompletedTask;
        }));

    /// <summary>The OpenAPI document at <see cref="DocumentPath"/>. It describes the API, holds no data, and is public.</summary>
    public static IEndpointRouteBuilder MapCloudWgOpenApi(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi(DocumentPath).AllowAnonymous();
        return app;
    }
}

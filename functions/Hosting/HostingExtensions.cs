using Microsoft.Extensions.Options;

namespace CloudWg.Functions.Hosting;

public static class HostingExtensions
{
    /// <summary>
    /// Configuration sources and the listen address. Precedence (low → high): appsettings, local.settings.json
    /// "Values", environment variables, command line. Under the Functions host the app listens on
    /// <c>FUNCTIONS_CUSTOMHANDLER_PORT</c> on loopback; otherwise on <c>--urls</c>/<c>ASPNETCORE_URLS</c>,
    /// default <c>http://127.0.0.1:7071</c>.
    /// </summary>
    public static WebApplicationBuilder AddCloudWgHosting(this WebApplicationBuilder builder, string[] args)
    {
        var root = RepositoryLayout.FindRoot(builder.Environment.ContentRootPath);
        var localSettings = Path.Combine(root ?? builder.Environment.ContentRootPath, "local.settings.json");
        builder.Configuration.AddLocalSettingsJson(localSettings);
        builder.Configuration.AddEnvironmentVariables();
        builder.Configuration.AddCommandLine(args);

        var customHandlerPort = builder.Configuration["FUNCTIONS_CUSTOMHANDLER_PORT"];
        if (!string.IsNullOrEmpty(customHandlerPort))
        {
            builder.WebHost.UseUrls($"http://127.0.0.1:{customHandlerPort}");
        }
        else if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
        {
            builder.WebHost.UseUrls("http://127.0.0.1:7071");
        }

        builder.Services.AddOptions<CloudWgOptions>()
            .BindConfiguration(CloudWgOptions.Section)
            .PostConfigure(o =>
            {
                var baseDir = root ?? builder.Environment.ContentRootPath;
                o.StateDirectory = string.IsNullOrWhiteSpace(o.StateDirectory)
                    ? Path.Combine(baseDir, ".cloudwg")
                    : Path.GetFullPath(o.StateDirectory, baseDir);
                o.SpaDirectory = string.IsNullOrWhiteSpace(o.SpaDirectory)
                    ? (root is null ? Path.Combine(baseDir, "wwwroot") : Path.Combine(root, "spa", "dist"))
                    : Path.GetFullPath(o.SpaDirectory, baseDir);
            })
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<StateDirectory>();

        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 1024 * 1024);
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<StorageUnavailableExceptionHandler>();
        // Malformed bodies and parameters are the caller's mistake in every environment: 400, never an exception page.
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = false);
        builder.Services.AddSingleton(TimeProvider.System);
        return builder;
    }

    /// <summary>Same-origin everything; inline styles for the component library; never framed.</summary>
    public const string SpaContentSecurityPolicy =
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'";

    /// <summary>Serves the SPA's static files at <c>/</c>, with index.html for client-side routes outside <c>/api</c>.</summary>
    public static WebApplication MapSpa(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<CloudWgOptions>>().Value;
        if (options.SpaDirectory is null || !Directory.Exists(options.SpaDirectory))
        {
            app.Logger.LogInformation("No SPA build at {SpaDirectory}; serving the API only", options.SpaDirectory);
            return app;
        }

        // Routing runs before any middleware added here, so the fallback endpoint itself serves existing files
        // (the hashed /assets/* bundles, cached for a year) and index.html (never cached) for client-side routes.
        var files = new Microsoft.Extensions.FileProviders.PhysicalFileProvider(options.SpaDirectory);
        var types = new Microsoft.AspNetCore.StaticFiles.FileExtensionContentTypeProvider();
        RequestDelegate serve = async context =>
        {
            // The app is the SPA's only host (locally and in Azure), so these headers are set here.
            context.Response.Headers.ContentSecurityPolicy = SpaContentSecurityPolicy;
            context.Response.Headers.XContentTypeOptions = "nosniff";
            context.Response.Headers["Referrer-Policy"] = "no-referrer";
            var requested = files.GetFileInfo(context.Request.Path.Value ?? "/");
            if (requested is { Exists: true, IsDirectory: false } && types.TryGetContentType(requested.Name, out var type))
            {
                context.Response.ContentType = type;
                context.Response.Headers.CacheControl = context.Request.Path.StartsWithSegments("/assets")
                    ? "public, max-age=31536000, immutable"
                    : "no-cache";
                await context.Response.SendFileAsync(requested);
                return;
            }

            context.Response.ContentType = "text/html; charset=utf-8";
            context.Response.Headers.CacheControl = "no-cache";
            await context.Response.SendFileAsync(files.GetFileInfo("index.html"));
        };

        // The catch-all's constraint is not evaluated for an empty path, so "/" needs its own route.
        app.MapGet("/", serve).ExcludeFromDescription();
        app.MapFallback("{*path:regex(^(?!api/).*$)}", serve);
        return app;
    }
}

using CloudWg.Functions.Hosting;
using CloudWg.Functions.Pki;
using CloudWg.Functions.Validation;
using Microsoft.Extensions.Options;

namespace CloudWg.Functions.Agent;

/// <summary>
/// What the enrollment page's one-line install command fetches, under <c>/api</c> because in Azure only
/// <c>/api/*</c> reaches the app: the install script (embedded from edge-agent/packaging/install.sh) and the agent
/// tarball. Both are public, like any release download; enrolling still needs the one-time token.
/// </summary>
public static class AgentDownloadEndpoints
{
    public const string TarballName = "cloudwg-agent-linux-x64.tar.gz";

    public static IServiceCollection AddCloudWgAgentDownloads(this IServiceCollection services)
    {
        services.AddOptions<AgentDownloadOptions>().BindConfiguration(AgentDownloadOptions.Section);
        return services;
    }

    public static IEndpointRouteBuilder MapAgentDownloads(this IEndpointRouteBuilder app)
    {
        var downloads = app.MapGroup("/api/agent").WithTags("Agent").AllowAnonymous();
        downloads.MapGet("/install.sh", InstallScript).WithSummary("The agent install script the enrollment command pipes to sh.");
        downloads.MapGet("/downloads/{file}", Download).WithSummary("The agent release tarball.");
        downloads.MapGet("/root-certificate", RootCertificate)
            .WithSummary("The fleet's root CA certificate (PEM), which `enroll --root-sha256` checks against its fingerprint on first contact.");
        return app;
    }

    public static IResult InstallScript()
    {
        var stream = typeof(AgentDownloadEndpoints).Assembly.GetManifestResourceStream("install.sh")
            ?? throw new InvalidOperationException("install.sh is not embedded in this build.");
        return TypedResults.Stream(stream, "text/x-shellscript; charset=utf-8");
    }

    /// <summary>
    /// Public like any CA certificate. A TLS server leaves the root out of the chain it presents, so an agent pinning the
    /// root's fingerprint fetches it here and lets the fingerprint, not the connection, vouch for it.
    /// </summary>
    public static async Task<IResult> RootCertificate(ICertificateAuthority authority, CancellationToken cancellationToken)
    {
        var ca = await authority.GetCertificatesAsync(cancellationToken).ConfigureAwait(false);
        return TypedResults.Text(ca.Root.ExportCertificatePem() + "\n", "application/x-pem-file");
    }

    public static IResult Download(string file, IOptions<AgentDownloadOptions> options, IWebHostEnvironment environment)
    {
        if (file != TarballName)
        {
            return Problems.NotFound($"There is no download called '{file}'; the agent is {TarballName}.");
        }

        var root = RepositoryLayout.FindRoot(environment.ContentRootPath);
        var directory = options.Value.Directory is { Length: > 0 } configured
            ? Path.GetFullPath(configured, root ?? environment.ContentRootPath)
            : root is null ? Path.Combine(AppContext.BaseDirectory, "agent") : Path.Combine(root, "artifacts");
        var path = Path.Combine(directory, TarballName);
        return File.Exists(path)
            ? TypedResults.PhysicalFile(path, "application/gzip", TarballName)
            : Problems.NotFound($"This control plane has no agent build to hand out ({path} is missing): build it with `make package-agent`, or install with `install.sh --from <tarball>`.");
    }
}

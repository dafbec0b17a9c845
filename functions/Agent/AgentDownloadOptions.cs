namespace CloudWg.Functions.Agent;

/// <summary>Settings under <c>CloudWg:AgentDownloads</c>.</summary>
public sealed class AgentDownloadOptions
{
    public const string Section = "CloudWg:AgentDownloads";

    /// <summary>
    /// Directory holding the agent release tarball (<c>cloudwg-agent-linux-x64.tar.gz</c>, built by
    /// <c>make package-agent</c>). Default: <c>artifacts/</c> at the repository root when run from a checkout,
    /// <c>agent/</c> beside the app when deployed.
    /// </summary>
    public string? Directory { get; set; }
}

namespace CloudWg.EdgeAgent.Hosting;

/// <summary>How to build the agent's host: where its state lives and any configuration overrides.</summary>
public sealed record AgentHostSettings
{
    /// <summary>Default configuration file; optional.</summary>
    public const string DefaultConfigFile = "/etc/cloudwg/agent.json";

    public string StateDirectory { get; init; } = State.StateDirectory.Default;

    public string? ConfigFile { get; init; } = DefaultConfigFile;

    /// <summary>Configuration keys (e.g. <c>WireGuard:NetworkNamespace</c>) that override files and environment.</summary>
    public IReadOnlyDictionary<string, string?> Overrides { get; init; } = new Dictionary<string, string?>();
}

using System.Reflection;

namespace CloudWg.EdgeAgent;

/// <summary>The agent's version string, from the assembly's informational version.</summary>
public static class AgentVersion
{
    public static string Current { get; } =
        typeof(AgentVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";
}

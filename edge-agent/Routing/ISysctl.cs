namespace CloudWg.EdgeAgent.Routing;

/// <summary>Kernel parameters under <c>/proc/sys</c>, in the namespace the agent manages.</summary>
public interface ISysctl
{
    /// <summary>The value (trimmed), or null when the parameter does not exist (IPv6 disabled, say).</summary>
    string? Read(string name);

    void Write(string name, string value);
}

namespace CloudWg.EdgeAgent.HAProxy;

/// <summary>
/// Settings under <c>DataPlane:HAProxy</c>. Defaults fit Debian's haproxy package run by systemd in master-worker mode
/// with its master CLI at <c>/run/haproxy-master.sock</c> and the agent's file added as a second <c>-f</c>
/// (edge-agent/README.md).
/// </summary>
public sealed class HAProxyOptions
{
    public const string Section = "DataPlane:HAProxy";

    /// <summary>The agent's own configuration file; nothing else of HAProxy's is written.</summary>
    public string ConfigFile { get; set; } = "/etc/haproxy/cloudwg.cfg";

    /// <summary>The operator's files HAProxy also loads: validated together with the agent's (names, ports must not clash).</summary>
    public List<string> ValidateWith { get; set; } = ["/etc/haproxy/haproxy.cfg"];

    /// <summary>The master CLI socket (<c>-S</c>): a <c>reload</c> there re-reads every file without dropping connections.</summary>
    public string MasterSocket { get; set; } = "/run/haproxy-master.sock";

    /// <summary>The haproxy binary, for <c>haproxy -c</c>.</summary>
    public string Command { get; set; } = "haproxy";
}

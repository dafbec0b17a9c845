using System.ComponentModel.DataAnnotations;

namespace CloudWg.EdgeAgent.WireGuard;

/// <summary>How the agent reaches and sets up its WireGuard interface (configuration section <c>WireGuard</c>).</summary>
public sealed class WireGuardOptions
{
    public const string Section = "WireGuard";

    /// <summary>Directory of the UAPI sockets of userspace implementations.</summary>
    [Required]
    public string UapiSocketDirectory { get; set; } = Uapi.UapiWireGuardClient.DefaultSocketDirectory;

    /// <summary>
    /// <c>auto</c> (default): kernel WireGuard over generic netlink when the kernel has it and the interface lives
    /// in the agent's own namespace, UAPI otherwise; <c>uapi</c> or <c>netlink</c> to force one.
    /// </summary>
    [RegularExpression("^(auto|uapi|netlink)$", ErrorMessage = "WireGuard:Backend must be auto, uapi or netlink.")]
    public string Backend { get; set; } = "auto";

    /// <summary>Start <see cref="UserspaceCommand"/> for the interface when no device exists.</summary>
    public bool StartUserspace { get; set; } = true;

    /// <summary>The userspace implementation to start: wireguard-go, boringtun-cli or amneziawg-go, found on PATH.</summary>
    [Required]
    public string UserspaceCommand { get; set; } = "wireguard-go";

    /// <summary>iproute2's <c>ip</c>, found on PATH.</summary>
    [Required]
    public string IpCommand { get; set; } = "ip";

    /// <summary>
    /// Run the interface inside this network namespace (<c>ip -n</c>, <c>ip netns exec</c>). The UAPI socket
    /// lives in the file system, so it is reachable from any namespace. Null: the agent's own namespace.
    /// </summary>
    public string? NetworkNamespace { get; set; }

    /// <summary>Add routes for peers' allowed IPs that are not covered by the interface's own prefixes.</summary>
    public bool ManageRoutes { get; set; } = true;

    /// <summary>How long to wait for a started userspace implementation to create its socket.</summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(15);
}

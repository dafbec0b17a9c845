namespace CloudWg.EdgeAgent.WireGuard;

/// <summary>
/// Reads and configures WireGuard devices. Implemented over UAPI (wireguard-go, boringtun,
/// amneziawg-go) and over generic netlink (kernel WireGuard).
/// </summary>
public interface IWireGuardClient
{
    /// <summary>Short name for logs and status, e.g. <c>uapi</c> or <c>netlink</c>.</summary>
    string Name { get; }

    /// <summary>True when a device with this name exists and can be configured by this client.</summary>
    Task<bool> DeviceExistsAsync(string name, CancellationToken cancellationToken);

    /// <exception cref="WireGuardException">The device does not exist or the request failed.</exception>
    Task<WgDevice> GetDeviceAsync(string name, CancellationToken cancellationToken);

    /// <exception cref="WireGuardException">The device does not exist or rejected the change.</exception>
    Task ConfigureDeviceAsync(string name, WgConfigPatch patch, CancellationToken cancellationToken);
}

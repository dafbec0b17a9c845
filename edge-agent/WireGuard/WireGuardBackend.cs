using CloudWg.EdgeAgent.WireGuard.Netlink;
using CloudWg.EdgeAgent.WireGuard.Uapi;
using Microsoft.Extensions.Logging;

namespace CloudWg.EdgeAgent.WireGuard;

/// <summary>Picks the WireGuard client at start-up (<see cref="WireGuardOptions.Backend"/>) and logs which and why.</summary>
public static class WireGuardBackend
{
    public static IWireGuardClient Choose(WireGuardOptions options, ILogger logger)
    {
        // Netlink talks to the kernel of the agent's own namespace, so an interface in another namespace is UAPI's.
        var tryKernel = options.Backend == "netlink" || (options.Backend == "auto" && options.NetworkNamespace is null);
        if (tryKernel)
        {
            if (NetlinkWireGuardClient.TryOpen(out var kernel, out var reason) && kernel is not null)
            {
                logger.LogInformation("WireGuard driver: kernel (generic netlink)");
                return kernel;
            }

            if (options.Backend == "netlink")
            {
                throw new WireGuardException($"WireGuard:Backend is netlink, but kernel WireGuard is not available: {reason}");
            }

            logger.LogInformation("WireGuard driver: userspace over UAPI ({Directory}); kernel WireGuard not used: {Reason}", options.UapiSocketDirectory, reason);
        }
        else
        {
            logger.LogInformation("WireGuard driver: userspace over UAPI ({Directory})", options.UapiSocketDirectory);
        }

        return new UapiWireGuardClient(options.UapiSocketDirectory);
    }
}

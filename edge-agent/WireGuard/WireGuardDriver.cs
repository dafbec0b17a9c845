using CloudWg.EdgeAgent.Reconcile;
using CloudWg.Protocol.DesiredStates;
using Microsoft.Extensions.Logging;

namespace CloudWg.EdgeAgent.WireGuard;

/// <summary>
/// Brings the node's WireGuard interface to the desired state: starts the userspace implementation when
/// needed, sets MTU, addresses and link state, applies the peer diff, and routes peers' allowed IPs.
/// </summary>
/// <remarks>
/// A new document is diffed against the device, link and routes as last read back (updated with every change
/// applied since), so a one-peer change costs one small UAPI <c>set</c> even on a device with 10,000 peers.
/// Every other pass (the periodic one, or the first one) reads everything back, which also corrects drift
/// made by hand within one reconcile interval.
/// </remarks>
public sealed class WireGuardDriver(
    IWireGuardClient client,
    IpLinkManager links,
    IWireGuardKeyProvider keys,
    WireGuardOptions options,
    ILogger<WireGuardDriver> logger) : IDataPlaneDriver
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private WireGuardSpec? known;
    private long knownVersion = -1;
    private string? knownInterface;
    private string? knownLink;
    private HashSet<string>? knownRoutes;

    public string Name => "wireguard";

    /// <summary>The client in use (uapi or netlink), for status output.</summary>
    public string Backend => client.Name;

    public async Task<DriverResult> ReconcileAsync(DesiredState desired, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await ReconcileLockedAsync(desired, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WireGuardException or FormatException or IOException)
        {
            Forget();
            return DriverResult.Failed(Name, e.Message);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Reads the device (with per-peer statistics) for reports and status; null when it does not exist.</summary>
    public async Task<WgDevice?> ReadDeviceAsync(string interfaceName, CancellationToken cancellationToken) =>
        await client.DeviceExistsAsync(interfaceName, cancellationToken).ConfigureAwait(false)
            ? await client.GetDeviceAsync(interfaceName, cancellationToken).ConfigureAwait(false)
            : null;

    private async Task<DriverResult> ReconcileLockedAsync(DesiredState desired, CancellationToken cancellationToken)
    {
        var spec = desired.WireGuard;
        var name = spec.Interface;
        var changes = new List<string>();

        if (!await client.DeviceExistsAsync(name, cancellationToken).ConfigureAwait(false) && client is Netlink.NetlinkWireGuardClient)
        {
            logger.LogInformation("Creating kernel WireGuard interface {Interface}", name);
            await links.CreateKernelDeviceAsync(name, cancellationToken).ConfigureAwait(false);
            await WaitForDeviceAsync(name, cancellationToken).ConfigureAwait(false);
            changes.Add($"created kernel interface {name}");
            Forget();
        }
        else if (!await client.DeviceExistsAsync(name, cancellationToken).ConfigureAwait(false))
        {
            if (!options.StartUserspace)
            {
                return DriverResult.Failed(Name, $"WireGuard interface '{name}' does not exist and starting a userspace implementation is disabled.");
            }

            logger.LogInformation("Starting {Command} for interface {Interface}", options.UserspaceCommand, name);
            await links.StartUserspaceAsync(name, cancellationToken).ConfigureAwait(false);
            await WaitForDeviceAsync(name, cancellationToken).ConfigureAwait(false);
            changes.Add($"started {options.UserspaceCommand} for {name}");
            Forget();
        }

        var incremental = known is not null && knownInterface == name && desired.Version != knownVersion;
        var link = $"{spec.Mtu}|{string.Join(',', spec.Addresses)}";
        if (!incremental || link != knownLink)
        {
            changes.AddRange(await links.EnsureLinkAsync(name, spec.Mtu, spec.Addresses, cancellationToken).ConfigureAwait(false));
            knownLink = link;
        }

        WireGuardChange change;
        if (incremental)
        {
            change = WireGuardDiff.ComputeFromSpecs(known!, spec, keys.GetPrivateKey());
            if (!change.IsEmpty)
            {
                await client.ConfigureDeviceAsync(name, change.Patch, cancellationToken).ConfigureAwait(false);
                changes.AddRange(change.Changes);
            }
        }
        else
        {
            var actual = await client.GetDeviceAsync(name, cancellationToken).ConfigureAwait(false);
            change = WireGuardDiff.Compute(actual, keys.GetPrivateKey(), spec);
            if (!change.IsEmpty)
            {
                await client.ConfigureDeviceAsync(name, change.Patch, cancellationToken).ConfigureAwait(false);
                changes.AddRange(change.Changes);

                // Read back: what the device holds now must equal the desired state.
                var remaining = WireGuardDiff.Compute(await client.GetDeviceAsync(name, cancellationToken).ConfigureAwait(false), keys.GetPrivateKey(), spec);
                if (!remaining.IsEmpty)
                {
                    Forget();
                    return new DriverResult(Name, changes, $"Read-back of '{name}' still differs after apply: {string.Join("; ", remaining.Changes.Take(5))}");
                }
            }
        }

        known = spec;
        knownVersion = desired.Version;
        knownInterface = name;

        if (options.ManageRoutes && (!incremental || !change.IsEmpty || knownRoutes is null))
        {
            var desiredRoutes = IpLinkManager.DesiredRoutes(spec.Addresses, spec.Peers.SelectMany(p => p.AllowedIps));
            var actualRoutes = incremental && knownRoutes is not null ? knownRoutes : await links.ReadRoutesAsync(name, cancellationToken).ConfigureAwait(false);
            knownRoutes = null;
            changes.AddRange(await links.ApplyRoutesAsync(name, actualRoutes, desiredRoutes, cancellationToken).ConfigureAwait(false));
            knownRoutes = desiredRoutes;
        }

        return new DriverResult(Name, changes);
    }

    private void Forget()
    {
        known = null;
        knownLink = null;
        knownRoutes = null;
    }

    private async Task WaitForDeviceAsync(string name, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.StartTimeout);
        while (!await client.DeviceExistsAsync(name, cancellationToken).ConfigureAwait(false))
        {
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new WireGuardException($"{options.UserspaceCommand} did not create interface '{name}' within {options.StartTimeout.TotalSeconds:0} s.");
            }
        }
    }
}

using System.Globalization;
using CloudWg.EdgeAgent.Reconcile;
using CloudWg.EdgeAgent.State;
using CloudWg.Protocol.DesiredStates;

namespace CloudWg.EdgeAgent.Routing;

/// <summary>
/// The agent owns IP forwarding (DESIGN §2.2): when the desired state needs it (<see cref="ForwardingPlan"/>) it turns
/// <c>net.ipv4.ip_forward</c> (and with an IPv6 tunnel <c>net.ipv6.conf.all.forwarding</c>) on, remembering the value
/// it found in its state store; when no longer needed, and on <c>cloudwg-agent uninstall</c>, it puts back what it
/// found. A value it found already on is never turned off. Someone turning it off while needed is drift: repaired on
/// the next pass. Runs after the firewall, so forwarding opens only behind the table that filters it.
/// </summary>
public sealed class ForwardingDriver(ISysctl sysctl, AgentStateStore store) : IDataPlaneDriver
{
    public const string Ipv4 = "net.ipv4.ip_forward";
    public const string Ipv6 = "net.ipv6.conf.all.forwarding";

    public string Name => "forwarding";

    public Task<DriverResult> ReconcileAsync(DesiredState desired, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(desired);
        var (v4, v6) = ForwardingPlan.For(desired);
        var changes = new List<string>();
        try
        {
            Converge(Ipv4, v4, changes);
            Converge(Ipv6, v6, changes);
            return Task.FromResult(new DriverResult(Name, changes));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            return Task.FromResult(new DriverResult(Name, changes, $"Cannot set IP forwarding: {e.Message} (the agent needs CAP_NET_ADMIN and a writable /proc/sys/net)."));
        }
    }

    /// <summary>Puts back every value the agent changed (uninstall); returns what it did.</summary>
    public IReadOnlyList<string> Restore()
    {
        var changes = new List<string>();
        foreach (var name in new[] { Ipv4, Ipv6 })
        {
            Converge(name, needed: false, changes);
        }

        return changes;
    }

    private void Converge(string name, bool needed, List<string> changes)
    {
        var key = "forwarding.found." + name;
        var found = store.GetSetting(key);
        var current = sysctl.Read(name);
        if (needed)
        {
            if (current is null)
            {
                throw new InvalidOperationException($"{name} does not exist on this host (is IPv6 disabled?)");
            }

            if (current != "1")
            {
                if (found is null)
                {
                    store.SetSetting(key, current);
                }

                sysctl.Write(name, "1");
                changes.Add(string.Create(CultureInfo.InvariantCulture, $"{name} {current} → 1 ({(found is null ? "was off; put back when no longer needed" : "turned off behind the agent's back")})"));
            }
        }
        else if (found is not null)
        {
            if (current is not null && current != found)
            {
                sysctl.Write(name, found);
                changes.Add($"{name} {current} → {found} (put back: no longer needed)");
            }

            store.SetSetting(key, null);
        }
    }
}

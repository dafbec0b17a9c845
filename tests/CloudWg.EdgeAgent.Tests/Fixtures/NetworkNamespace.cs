namespace CloudWg.EdgeAgent.Tests.Fixtures;

/// <summary>A network namespace with a unique name, deleted (with its interfaces) on dispose.</summary>
public sealed class NetworkNamespace : IAsyncDisposable
{
    private readonly List<string> wireGuardSockets = [];

    private NetworkNamespace(string name) => Name = name;

    public string Name { get; }

    public static async Task<NetworkNamespace> CreateAsync(string prefix)
    {
        var ns = new NetworkNamespace($"cwg{prefix}{Run.Suffix()}");
        await Run.CheckedAsync("ip", "netns", "add", ns.Name);
        await Run.CheckedAsync("ip", "-n", ns.Name, "link", "set", "lo", "up");
        return ns;
    }

    /// <summary>Joins two namespaces with a veth pair and gives each end an address in <c>192.168.N.0/24</c>.</summary>
    public static async Task<(string A, string B)> ConnectAsync(NetworkNamespace a, NetworkNamespace b)
    {
        var suffix = Run.Suffix();
        var subnet = Random.Shared.Next(1, 250);
        string ifA = $"va{suffix}", ifB = $"vb{suffix}";
        await Run.CheckedAsync("ip", "-n", a.Name, "link", "add", ifA, "type", "veth", "peer", "name", ifB, "netns", b.Name);
        var addrA = $"192.168.{subnet}.1";
        var addrB = $"192.168.{subnet}.2";
        await Run.CheckedAsync("ip", "-n", a.Name, "addr", "add", addrA + "/24", "dev", ifA);
        await Run.CheckedAsync("ip", "-n", b.Name, "addr", "add", addrB + "/24", "dev", ifB);
        await Run.CheckedAsync("ip", "-n", a.Name, "link", "set", ifA, "up");
        await Run.CheckedAsync("ip", "-n", b.Name, "link", "set", ifB, "up");
        return (addrA, addrB);
    }

    /// <summary>Remembers a userspace WireGuard interface so that dispose stops its daemon.</summary>
    public void OwnsWireGuard(string interfaceName) => wireGuardSockets.Add(interfaceName);

    public Task<string> ExecAsync(params string[] command) => Run.CheckedAsync("ip", ["netns", "exec", Name, .. command]);

    public async Task<bool> PingAsync(string address) =>
        (await Run.TryAsync("ip", "netns", "exec", Name, "ping", "-c", "1", "-W", "1", address)).Succeeded;

    public async ValueTask DisposeAsync()
    {
        foreach (var wg in wireGuardSockets)
        {
            await Run.TryAsync("ip", "-n", Name, "link", "del", wg);
            // wireguard-go exits when its socket disappears, even if the link is already gone.
            File.Delete($"/var/run/wireguard/{wg}.sock");
        }

        await Run.TryAsync("ip", "netns", "del", Name);
    }
}

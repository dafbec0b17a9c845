using CloudWg.EdgeAgent.Native;

namespace CloudWg.EdgeAgent.Tests.Nftables;

/// <summary>
/// A throw-away network namespace. Code runs inside it on a fresh dedicated thread that calls setns(2):
/// CLONE_NEWNET applies to the calling thread only, so the test host and its thread pool stay in the host
/// namespace, and the thread ends afterwards so it is never reused. Sockets (libnftables' netlink socket,
/// TcpListener) keep the namespace they were created in, so objects made inside can be used from anywhere.
/// This is sturdier than a helper process: no second build, no IPC, and failures surface as ordinary
/// exceptions with stack traces.
/// </summary>
internal sealed class NetworkNamespace : IDisposable
{
    private NetworkNamespace(string name) => Name = name;

    public string Name { get; }

    public static NetworkNamespace Create(string prefix = "cwg")
    {
        var name = $"{prefix}-{Guid.NewGuid().ToString("N")[..10]}";
        Cli.Check("ip", "netns", "add", name);
        var ns = new NetworkNamespace(name);
        ns.Exec("ip", "link", "set", "lo", "up");
        return ns;
    }

    public T Run<T>(Func<T> action) => NamespaceThread.Run(Name, action);

    public void Run(Action action) => Run(() =>
    {
        action();
        return 0;
    });

    /// <summary>Runs a tool inside the namespace (ip netns exec).</summary>
    public Cli.Result Exec(params string[] args) => Cli.Run("ip", ["netns", "exec", Name, .. args]);

    public string ExecChecked(params string[] args) => Cli.Check("ip", ["netns", "exec", Name, .. args]);

    public void Dispose() => Cli.Run("ip", "netns", "del", Name);
}

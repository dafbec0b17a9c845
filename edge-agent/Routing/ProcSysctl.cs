using CloudWg.EdgeAgent.Native;

namespace CloudWg.EdgeAgent.Routing;

/// <summary>
/// <see cref="ISysctl"/> over <c>/proc/sys</c>. Network parameters belong to the network namespace of the thread that
/// opens them, so in another namespace each access runs on a thread inside it (<see cref="NamespaceThread"/>).
/// </summary>
public sealed class ProcSysctl(string? networkNamespace) : ISysctl
{
    public string? Read(string name) => NamespaceThread.Run(networkNamespace, () =>
    {
        var path = PathOf(name);
        return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
    });

    public void Write(string name, string value) => NamespaceThread.Run(networkNamespace, () =>
    {
        File.WriteAllText(PathOf(name), value + "\n");
        return true;
    });

    private static string PathOf(string name) => "/proc/sys/" + name.Replace('.', '/');
}

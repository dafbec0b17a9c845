namespace CloudWg.EdgeAgent.WireGuard.Netlink;

/// <summary>The kernel answered a netlink request with an error (errno).</summary>
public class NetlinkException : Exception
{
    public NetlinkException(int errno, string operation)
        : base($"{operation} failed: {Describe(errno)} (errno {errno}).") => Errno = errno;

    public NetlinkException(string message)
        : base(message)
    {
    }

    public int Errno { get; }

    private static string Describe(int errno) => errno switch
    {
        1 => "operation not permitted (needs CAP_NET_ADMIN)",
        2 => "no such entry",
        16 => "device or resource busy",
        19 => "no such device",
        22 => "invalid argument",
        95 => "operation not supported",
        _ => "error",
    };
}

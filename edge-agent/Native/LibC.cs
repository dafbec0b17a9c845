using System.Runtime.InteropServices;

namespace CloudWg.EdgeAgent.Native;

/// <summary>
/// The few libc calls the data plane needs that .NET does not expose: netlink sockets (the managed
/// <see cref="System.Net.Sockets.Socket"/> cannot create AF_NETLINK) and setns(2). Signatures are blittable
/// so NativeAOT needs no marshalling stubs beyond SetLastError.
/// </summary>
internal static partial class LibC
{
    private const string Library = "libc";

    public const int AfNetlink = 16;
    public const int SockRaw = 3;
    public const int SockCloexec = 0x80000;
    public const int NetlinkGeneric = 16;
    public const int SolSocket = 1;
    public const int SoRcvtimeo = 20;
    public const int SoSndbuf = 7;
    public const int SoRcvbuf = 8;
    public const int SolNetlink = 270;
    public const int NetlinkExtAck = 11;
    public const int CloneNewNet = 0x40000000;

    public const int Eintr = 4;
    public const int Eagain = 11;

    [LibraryImport(Library, EntryPoint = "socket", SetLastError = true)]
    public static partial int Socket(int domain, int type, int protocol);

    [LibraryImport(Library, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport(Library, EntryPoint = "send", SetLastError = true)]
    public static unsafe partial nint Send(int fd, byte* buffer, nuint length, int flags);

    [LibraryImport(Library, EntryPoint = "recv", SetLastError = true)]
    public static unsafe partial nint Recv(int fd, byte* buffer, nuint length, int flags);

    [LibraryImport(Library, EntryPoint = "setsockopt", SetLastError = true)]
    public static unsafe partial int SetSockOpt(int fd, int level, int name, void* value, uint length);

    [LibraryImport(Library, EntryPoint = "setns", SetLastError = true)]
    public static partial int SetNs(int fd, int nsType);

    /// <summary>struct timeval for SO_RCVTIMEO on 64-bit Linux.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct TimeVal
    {
        public long Seconds;
        public long Microseconds;
    }
}

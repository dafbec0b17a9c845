using System.Runtime.InteropServices;
using CloudWg.EdgeAgent.Native;
using static CloudWg.EdgeAgent.WireGuard.Netlink.NetlinkConstants;

namespace CloudWg.EdgeAgent.WireGuard.Netlink;

/// <summary>
/// An AF_NETLINK/NETLINK_GENERIC socket through plain libc calls (the managed Socket cannot create one).
/// Requests are sent to the kernel (port 0) and answered in order on the same socket; calls are serialised.
/// </summary>
internal sealed class GenericNetlinkSocket : IDisposable
{
    private const int ReceiveBufferSize = 64 * 1024;
    private readonly Lock _gate = new();
    private readonly byte[] _receiveBuffer = new byte[ReceiveBufferSize];
    private int _fd;
    private uint _sequence = (uint)Environment.TickCount;

    public GenericNetlinkSocket(TimeSpan receiveTimeout)
    {
        _fd = LibC.Socket(LibC.AfNetlink, LibC.SockRaw | LibC.SockCloexec, LibC.NetlinkGeneric);
        if (_fd < 0)
        {
            throw new NetlinkException(Marshal.GetLastPInvokeError(), "socket(AF_NETLINK, NETLINK_GENERIC)");
        }

        var timeout = new LibC.TimeVal
        {
            Seconds = (long)receiveTimeout.TotalSeconds,
            Microseconds = receiveTimeout.Microseconds + (receiveTimeout.Milliseconds * 1000L),
        };
        unsafe
        {
            LibC.SetSockOpt(_fd, LibC.SolSocket, LibC.SoRcvtimeo, &timeout, (uint)sizeof(LibC.TimeVal));
        }
    }

    public uint NextSequence() => Interlocked.Increment(ref _sequence);

    /// <summary>Sends one request and collects the reply messages up to its ACK (NLMSG_ERROR 0) or NLMSG_DONE.</summary>
    public List<NetlinkMessage> Request(byte[] message, string operation)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_fd < 0, this);
            Send(message, operation);
            var sequence = BitConverter.ToUInt32(message, 8);
            var replies = new List<NetlinkMessage>();
            while (true)
            {
                foreach (var reply in Receive(operation))
                {
                    if (reply.Sequence != sequence)
                    {
                        continue; // a late answer to an earlier, abandoned request
                    }

                    replies.Add(reply);
                    if (reply.Type == NlmsgError)
                    {
                        if (reply.ErrorCode != 0)
                        {
                            throw new NetlinkException(-reply.ErrorCode, operation);
                        }

                        return replies;
                    }

                    if (reply.Type == NlmsgDone)
                    {
                        if (reply.ErrorCode < 0)
                        {
                            throw new NetlinkException(-reply.ErrorCode, operation);
                        }

                        return replies;
                    }
                }
            }
        }
    }

    private unsafe void Send(byte[] message, string operation)
    {
        fixed (byte* p = message)
        {
            while (true)
            {
                var sent = LibC.Send(_fd, p, (nuint)message.Length, 0);
                if (sent >= 0)
                {
                    return;
                }

                var errno = Marshal.GetLastPInvokeError();
                if (errno != LibC.Eintr)
                {
                    throw new NetlinkException(errno, operation);
                }
            }
        }
    }

    private unsafe List<NetlinkMessage> Receive(string operation)
    {
        while (true)
        {
            nint received;
            fixed (byte* p = _receiveBuffer)
            {
                received = LibC.Recv(_fd, p, (nuint)_receiveBuffer.Length, 0);
            }

            if (received >= 0)
            {
                return NetlinkMessage.ParseAll(_receiveBuffer.AsMemory(0, (int)received).ToArray());
            }

            var errno = Marshal.GetLastPInvokeError();
            if (errno == LibC.Eagain)
            {
                throw new NetlinkException($"{operation}: no answer from the kernel (timed out).");
            }

            if (errno != LibC.Eintr)
            {
                throw new NetlinkException(errno, operation);
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_fd >= 0)
            {
                LibC.Close(_fd);
                _fd = -1;
            }
        }
    }
}

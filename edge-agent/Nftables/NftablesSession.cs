using System.Runtime.InteropServices;
using System.Text;
using CloudWg.EdgeAgent.Native;

namespace CloudWg.EdgeAgent.Nftables;

/// <summary>
/// One libnftables context with JSON output and buffered output/error. The context's netlink socket is
/// opened when the session is created, in the network namespace of the creating thread; afterwards it may
/// be used from any thread (calls are serialised, libnftables contexts are not thread-safe).
/// </summary>
public sealed class NftablesSession : IDisposable
{
    private readonly Lock _gate = new();
    private nint _ctx;

    public NftablesSession()
    {
        try
        {
            _ctx = LibNftables.CtxNew(LibNftables.CtxDefault);
        }
        catch (DllNotFoundException e)
        {
            throw new NftablesException("libnftables.so.1 is not installed (Debian/Ubuntu: apt-get install libnftables1).", e);
        }

        if (_ctx == 0)
        {
            throw new NftablesException("nft_ctx_new failed (is the process allowed to open a netfilter netlink socket?).");
        }

        LibNftables.CtxOutputSetFlags(_ctx, LibNftables.OutputJson | LibNftables.OutputHandle);
        if (LibNftables.CtxBufferOutput(_ctx) != 0 || LibNftables.CtxBufferError(_ctx) != 0)
        {
            LibNftables.CtxFree(_ctx);
            _ctx = 0;
            throw new NftablesException("libnftables could not buffer its output.");
        }
    }

    /// <summary>
    /// Runs one buffer (a JSON batch, or an nft command such as <c>list table inet cloudwg</c>) as a single
    /// transaction and returns its output. Throws <see cref="NftablesException"/> with nft's message on failure.
    /// </summary>
    public string Run(string commands)
    {
        ArgumentNullException.ThrowIfNull(commands);
        var bytes = new byte[Encoding.UTF8.GetMaxByteCount(commands.Length) + 1];
        var length = Encoding.UTF8.GetBytes(commands, bytes);
        bytes[length] = 0;

        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_ctx == 0, this);
            int rc;
            unsafe
            {
                fixed (byte* p = bytes)
                {
                    rc = LibNftables.RunCmdFromBuffer(_ctx, p);
                }
            }

            // Reading both buffers also rewinds them for the next command.
            var output = Marshal.PtrToStringUTF8(LibNftables.CtxGetOutputBuffer(_ctx)) ?? string.Empty;
            var error = Marshal.PtrToStringUTF8(LibNftables.CtxGetErrorBuffer(_ctx)) ?? string.Empty;
            if (rc != 0)
            {
                throw new NftablesException(error.Length > 0 ? error.Trim() : $"libnftables failed with code {rc}.");
            }

            return output;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_ctx != 0)
            {
                LibNftables.CtxFree(_ctx);
                _ctx = 0;
            }
        }
    }
}

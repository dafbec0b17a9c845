using System.Runtime.InteropServices;

namespace CloudWg.EdgeAgent.Native;

/// <summary>
/// libnftables (<c>libnftables.so.1</c>, Debian package libnftables1): the same library the <c>nft</c> tool
/// is built on, so a batch given here is parsed and committed exactly as <c>nft -j -f</c> would, in one
/// netlink transaction. Only pointer and integer arguments cross the boundary; strings are passed as
/// NUL-terminated UTF-8 we allocate ourselves.
/// </summary>
internal static partial class LibNftables
{
    private const string Library = "libnftables.so.1";

    /// <summary>NFT_CTX_DEFAULT: opens the netlink socket at creation, in the calling thread's network namespace.</summary>
    public const uint CtxDefault = 0;

    /// <summary>NFT_CTX_OUTPUT_HANDLE.</summary>
    public const uint OutputHandle = 1u << 3;

    /// <summary>NFT_CTX_OUTPUT_JSON: JSON output, and JSON input is tried first.</summary>
    public const uint OutputJson = 1u << 4;

    [LibraryImport(Library, EntryPoint = "nft_ctx_new")]
    public static partial nint CtxNew(uint flags);

    [LibraryImport(Library, EntryPoint = "nft_ctx_free")]
    public static partial void CtxFree(nint ctx);

    [LibraryImport(Library, EntryPoint = "nft_ctx_output_set_flags")]
    public static partial void CtxOutputSetFlags(nint ctx, uint flags);

    [LibraryImport(Library, EntryPoint = "nft_ctx_buffer_output")]
    public static partial int CtxBufferOutput(nint ctx);

    [LibraryImport(Library, EntryPoint = "nft_ctx_buffer_error")]
    public static partial int CtxBufferError(nint ctx);

    /// <summary>Returns the buffered output and rewinds the buffer; the memory belongs to the context.</summary>
    [LibraryImport(Library, EntryPoint = "nft_ctx_get_output_buffer")]
    public static partial nint CtxGetOutputBuffer(nint ctx);

    [LibraryImport(Library, EntryPoint = "nft_ctx_get_error_buffer")]
    public static partial nint CtxGetErrorBuffer(nint ctx);

    [LibraryImport(Library, EntryPoint = "nft_run_cmd_from_buffer")]
    public static unsafe partial int RunCmdFromBuffer(nint ctx, byte* buffer);
}

using System.Text;

namespace CloudWg.EdgeAgent.Caddy;

/// <summary>
/// Wraps the unix-socket connection to Caddy's admin API and turns the request's
/// <c>Host: caddy-admin.invalid</c> line into an empty <c>Host:</c>, the only value Caddy 2.6 accepts on a
/// unix socket (newer Caddy accepts it too). HttpClient cannot send an empty Host itself: an empty header
/// value is replaced by the URI's authority, and adding one by hand yields two Host lines (a 400 from Go).
/// The line sits right after the request line, at the start of the buffer .NET flushes for each request, so
/// it is never split across writes.
/// </summary>
internal sealed class EmptyHostStream : Stream
{
    public const string PlaceholderHost = "caddy-admin.invalid";

    private static readonly byte[] Placeholder = Encoding.ASCII.GetBytes($"\r\nHost: {PlaceholderHost}\r\n");
    private static readonly byte[] Replacement = Encoding.ASCII.GetBytes("\r\nHost: \r\n");
    private readonly Stream _inner;

    public EmptyHostStream(Stream inner) => _inner = inner;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);

    public override int Read(Span<byte> buffer) => _inner.Read(buffer);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        _inner.ReadAsync(buffer, offset, count, cancellationToken);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        _inner.ReadAsync(buffer, cancellationToken);

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer) => _inner.Write(Rewrite(buffer));

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        _inner.WriteAsync(Rewrite(buffer.Span), cancellationToken);

    public override void Flush() => _inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private static byte[] Rewrite(ReadOnlySpan<byte> data)
    {
        var at = data.IndexOf(Placeholder);
        if (at < 0)
        {
            return data.ToArray();
        }

        var result = new byte[data.Length - Placeholder.Length + Replacement.Length];
        data[..at].CopyTo(result);
        Replacement.CopyTo(result.AsSpan(at));
        data[(at + Placeholder.Length)..].CopyTo(result.AsSpan(at + Replacement.Length));
        return result;
    }
}

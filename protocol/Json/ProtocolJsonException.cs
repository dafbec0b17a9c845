using System.Text.Json;

namespace CloudWg.Protocol.Json;

/// <summary>A wire document was rejected while reading or canonicalizing it; <see cref="Error"/> says why.</summary>
public sealed class ProtocolJsonException : JsonException
{
    public ProtocolJsonException(ProtocolJsonError error, string message, Exception? innerException = null)
        : base(message, innerException) => Error = error;

    public ProtocolJsonError Error { get; }
}

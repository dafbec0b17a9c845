using CloudWg.Protocol.Json;
using CloudWg.Protocol.Validation;

namespace CloudWg.Protocol.Messages;

/// <summary>
/// The message on a node's queue (DESIGN §4): "version N of your desired state is out". Carries the JWS inline when
/// the whole message fits in a queue message; otherwise the agent fetches the blob and checks hash and signature.
/// The notification itself is unsigned and only a hint: nothing in it is trusted until the JWS verifies.
/// </summary>
/// <param name="Sha256">Lower-case hex SHA-256 of the JWS payload, i.e. of the canonical desired-state bytes
/// (<c>ContentHash.Sha256Hex(CanonicalJson.Serialize(state))</c>).</param>
/// <param name="Jws">The compact JWS, or null when it is too large to travel inline.</param>
public sealed record QueueNotification(string NodeId, long Version, string Sha256, string? Jws)
{
    /// <summary>Largest queue message, in bytes of its text (Azure Storage Queues: 64 KiB).</summary>
    public const int MaxInlineBytes = 64 * 1024;

    /// <summary>Largest message text when the queue client base64-encodes messages (3/4 of 64 KiB).</summary>
    public const int MaxInlineBytesBase64Encoded = MaxInlineBytes / 4 * 3;

    /// <summary>
    /// A notification that carries <paramref name="jws"/> inline exactly when the whole message, as canonical JSON,
    /// fits in <paramref name="maxMessageBytes"/>.
    /// </summary>
    public static QueueNotification Create(string nodeId, long version, string sha256, string jws, int maxMessageBytes = MaxInlineBytes)
    {
        var inline = new QueueNotification(nodeId, version, sha256, jws);
        return FitsInline(inline, maxMessageBytes) ? inline : inline with { Jws = null };
    }

    /// <summary>True when <paramref name="notification"/> serializes to at most <paramref name="maxMessageBytes"/> bytes.</summary>
    public static bool FitsInline(QueueNotification notification, int maxMessageBytes = MaxInlineBytes)
    {
        ArgumentNullException.ThrowIfNull(notification);

        // Cheap upper bound first: a 1 MB JWS need not be serialized to know it does not fit.
        if (notification.Jws is { Length: var length } && length > maxMessageBytes)
        {
            return false;
        }

        return CanonicalJson.Serialize(notification).Length <= maxMessageBytes;
    }

    /// <summary>Problems with this message (shape only; the JWS is checked by the verifier).</summary>
    public IReadOnlyList<ValidationError> Validate()
    {
        var errors = new List<ValidationError>();
        MessageRules.Id(errors, "nodeId", NodeId);
        MessageRules.Version(errors, "version", Version);
        if (!ContentHash.IsSha256Hex(Sha256))
        {
            errors.Add(new ValidationError("sha256", "must be 64 lower-case hex digits (SHA-256 of the desired-state payload)."));
        }

        if (Jws is not null && (Jws.Length == 0 || Jws.Length > MaxInlineBytes || Jws.Count(c => c == '.') != 2))
        {
            errors.Add(new ValidationError("jws", $"must be a compact JWS of at most {MaxInlineBytes} characters, or absent."));
        }

        return errors;
    }
}

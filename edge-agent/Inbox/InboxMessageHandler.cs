using System.Text;
using CloudWg.EdgeAgent.State;
using CloudWg.EdgeAgent.Storage;
using CloudWg.Protocol.Json;
using CloudWg.Protocol.Messages;

namespace CloudWg.EdgeAgent.Inbox;

/// <summary>
/// Handles one queue message: size and shape checks, the blob fetch when the JWS is not inline, then the
/// intake. Returns whether the message is finished with (delete it) or should come back (transient error).
/// </summary>
public sealed class InboxMessageHandler(DesiredStateIntake intake, AgentStateStore store, InboxOptions options)
{
    /// <returns>True when the message is handled (accepted, duplicate or rejected) and may be deleted.</returns>
    public async Task<bool> HandleAsync(QueueMessage message, Func<BlobRestClient?> blob, CancellationToken cancellationToken)
    {
        if (message.DequeueCount > options.MaxDequeueCount)
        {
            intake.CountRejection(RejectionCounters.PoisonMessage, $"message {message.MessageId} was received {message.DequeueCount} times without being handled.");
            return true;
        }

        if (message.RawLength > options.MaxMessageBytes || Encoding.UTF8.GetByteCount(message.Text) > options.MaxMessageBytes)
        {
            intake.CountRejection(RejectionKeys.OversizedMessage, $"message {message.MessageId} is over {options.MaxMessageBytes} bytes.");
            return true;
        }

        QueueNotification notification;
        try
        {
            notification = CanonicalJson.Deserialize(Encoding.UTF8.GetBytes(message.Text), ProtocolJsonContext.Default.QueueNotification);
        }
        catch (System.Text.Json.JsonException e)
        {
            intake.CountRejection(RejectionCounters.InvalidNotification, $"message {message.MessageId}: {e.Message}");
            return true;
        }

        if (notification.Validate() is { Count: > 0 } errors)
        {
            intake.CountRejection(RejectionCounters.InvalidNotification, $"message {message.MessageId}: " + string.Join("; ", errors.Select(e => $"{e.Path} {e.Message}")));
            return true;
        }

        if (notification.Jws is { } inline)
        {
            intake.Offer(inline, "queue", notification.Sha256);
            return true;
        }

        // Level-triggered: a notification for a version already held needs no blob download.
        if (notification.Version <= store.GetLastAcceptedVersion())
        {
            return true;
        }

        var client = blob();
        if (client is null)
        {
            return false;
        }

        byte[] content;
        try
        {
            content = await client.DownloadAsync(options.MaxBlobBytes, cancellationToken).ConfigureAwait(false);
        }
        catch (BlobTooLargeException e)
        {
            intake.CountRejection(RejectionKeys.OversizedBlob, e.Message);
            return true;
        }

        intake.Offer(Encoding.UTF8.GetString(content).Trim(), "blob", notification.Sha256, options.MaxBlobBytes);
        return true;
    }
}

using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using CloudWg.Functions.Storage;
using Microsoft.Extensions.Options;

namespace CloudWg.Functions.Reports;

/// <summary>
/// The local stand-in for the IngestReports queue trigger when the app is not under the Functions host: polls the
/// reports queue (at once again while messages arrive, <see cref="ReportOptions.LocalPollInterval"/> when idle),
/// hands each message to the same <see cref="ReportIngestor"/>, deletes it when handled, and moves a message that
/// keeps failing to the poison queue after <see cref="ReportOptions.MaxDequeueCount"/> tries, as the host does.
/// </summary>
public sealed partial class LocalReportListener(
    StorageClients storage,
    ReportIngestor ingestor,
    IConfiguration configuration,
    IOptions<ReportOptions> options,
    TimeProvider time,
    ILogger<LocalReportListener> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!string.IsNullOrEmpty(configuration["FUNCTIONS_CUSTOMHANDLER_PORT"]))
        {
            return;
        }

        var queue = storage.Queues.GetQueueClient(storage.Names.ReportsQueue);
        var poison = storage.Queues.GetQueueClient(storage.Names.ReportsQueue + "-poison");
        var failing = false;
        var warned = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            var handled = 0;
            try
            {
                QueueMessage[] messages = await queue.ReceiveMessagesAsync(32, TimeSpan.FromSeconds(60), stoppingToken);
                foreach (var message in messages)
                {
                    await HandleAsync(queue, poison, message, stoppingToken);
                    handled++;
                }

                if (warned)
                {
                    LogRecovered(logger);
                }

                failing = warned = false;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // On a fresh account the queue appears once StorageInitializer has run: not worth a warning.
                var notCreatedYet = e is RequestFailedException { ErrorCode: "QueueNotFound" };
                if (!warned && !notCreatedYet)
                {
                    LogFailing(logger, Describe(e));
                    warned = true;
                }

                failing = true;
            }

            if (handled == 0)
            {
                var idle = failing ? TimeSpan.FromSeconds(5) : options.Value.LocalPollInterval;
                await Task.Delay(idle * (0.8 + (Random.Shared.NextDouble() * 0.4)), time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task HandleAsync(QueueClient queue, QueueClient poison, QueueMessage message, CancellationToken cancellationToken)
    {
        if (message.DequeueCount > options.Value.MaxDequeueCount)
        {
            await poison.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            await poison.SendMessageAsync(message.Body, cancellationToken: cancellationToken);
            await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
            LogPoisoned(logger, message.MessageId, message.DequeueCount);
            return;
        }

        // Rejections are counted and the message deleted; only a failure to reach storage throws and retries.
        await ingestor.IngestAsync(ReportMessages.Decode(message.Body.ToString()), cancellationToken);
        await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
    }

    /// <summary>One line: the SDK's message for a failed request carries the whole HTTP exchange.</summary>
    private static string Describe(Exception e) => e is RequestFailedException r
        ? $"{r.Status} {r.ErrorCode ?? r.Message.Split('\n')[0]}"
        : $"{e.GetType().Name}: {e.Message}";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the reports queue fails ({Reason}); retrying")]
    private static partial void LogFailing(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reading the reports queue works again")]
    private static partial void LogRecovered(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Moved report message {MessageId} to the poison queue after {Count} attempts")]
    private static partial void LogPoisoned(ILogger logger, string messageId, long count);
}

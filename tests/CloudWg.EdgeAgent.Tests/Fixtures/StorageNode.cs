using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Azure.Storage.Sas;
using CloudWg.EdgeAgent.Enrollment;
using CloudWg.Protocol.Json;
using CloudWg.Protocol.Messages;
using CloudWg.Tests.Shared;

namespace CloudWg.EdgeAgent.Tests.Fixtures;

/// <summary>
/// One node's storage in Azurite, set up the way the control plane does it: its inbox queue, its
/// desired-state blob and the reports queue, each with a narrowly scoped SAS.
/// </summary>
public sealed class StorageNode
{
    private StorageNode(QueueClient inbox, BlobClient blob, QueueClient reports)
    {
        Inbox = inbox;
        Blob = blob;
        Reports = reports;
    }

    public QueueClient Inbox { get; }

    public BlobClient Blob { get; }

    public QueueClient Reports { get; }

    public static async Task<StorageNode> CreateAsync(Azurite azurite)
    {
        var prefix = Azurite.NewPrefix();
        var options = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None };
        var inbox = new QueueClient(azurite.ConnectionString, prefix + "-inbox", options);
        var reports = new QueueClient(azurite.ConnectionString, prefix + "-reports", new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        var container = new BlobContainerClient(azurite.ConnectionString, prefix + "-state");
        await inbox.CreateAsync();
        await reports.CreateAsync();
        await container.CreateAsync();
        return new StorageNode(inbox, container.GetBlobClient("latest.jws"), reports);
    }

    public AgentEnrollment Enrollment(string nodeId)
    {
        var expires = DateTimeOffset.UtcNow.AddDays(30);
        return new AgentEnrollment(
            nodeId,
            "http://127.0.0.1:9",
            Inbox.GenerateSasUri(QueueSasPermissions.Read | QueueSasPermissions.Process, expires).ToString(),
            expires,
            Blob.GenerateSasUri(BlobSasPermissions.Read, expires).ToString(),
            expires,
            Reports.GenerateSasUri(QueueSasPermissions.Add, expires).ToString(),
            expires,
            DateTimeOffset.UtcNow.AddDays(-1),
            DateTimeOffset.UtcNow.AddDays(365));
    }

    public Task SendAsync(string text) => Inbox.SendMessageAsync(text);

    public Task NotifyAsync(QueueNotification notification) =>
        SendAsync(System.Text.Encoding.UTF8.GetString(CanonicalJson.Serialize(notification, ProtocolJsonContext.Default.QueueNotification)));

    public Task UploadAsync(string content) => Blob.UploadAsync(BinaryData.FromString(content), overwrite: true);

    public async Task<int> InboxCountAsync() => (await Inbox.GetPropertiesAsync()).Value.ApproximateMessagesCount;
}

using System.Net;
using System.Net.Http.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using CloudWg.Functions.Sas;
using CloudWg.Functions.Storage;
using CloudWg.Functions.Tests.Pki;
using CloudWg.Protocol.Messages;
using CloudWg.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;

namespace CloudWg.Functions.Tests.Sas;

/// <summary>What a node's SAS can and cannot do, enforced by Azurite (every refusal must be a 403 from storage).</summary>
public sealed class NodeSasTests(AzuriteFixture azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_nodes_sas_reach_its_own_queue_and_blob_and_nothing_else_until_revoked()
    {
        await using var app = await new PkiApp(azurite.ConnectionString).StartAsync();
        using var admin = app.NewClient(admin: "alice");
        using var anonymous = app.NewClient();
        var (a, b) = (await app.CreateNodeAsync(), await app.CreateNodeAsync());
        using var agentA = new TestAgent();
        using var agentB = new TestAgent();
        var grantsA = await EnrollAsync(admin, anonymous, agentA, a);
        var grantsB = await EnrollAsync(admin, anonymous, agentB, b);

        // The control plane writes each node's queue and blob with its own (account) credentials.
        await app.Storage.Queues.GetQueueClient(app.Storage.Names.NodeQueue(a)).SendMessageAsync("hello A", Ct);
        await app.Storage.Queues.GetQueueClient(app.Storage.Names.NodeQueue(b)).SendMessageAsync("hello B", Ct);
        await Blob(app, a).UploadAsync(BinaryData.FromString("jws-for-A"), Ct);
        await Blob(app, b).UploadAsync(BinaryData.FromString("jws-for-B"), Ct);

        var inboxA = Queue(grantsA.Inbox);
        var received = (await inboxA.ReceiveMessagesAsync(1, cancellationToken: Ct)).Value;
        Assert.Equal("hello A", Assert.Single(received).Body.ToString());
        await inboxA.DeleteMessageAsync(received[0].MessageId, received[0].PopReceipt, Ct);
        Assert.Equal("jws-for-A", (await new BlobClient(new Uri(grantsA.DesiredStateBlob.Url)).DownloadContentAsync(Ct)).Value.Content.ToString());
        await Queue(grantsA.Reports).SendMessageAsync("report from A", cancellationToken: Ct);

        await AssertForbidden(() => inboxA.SendMessageAsync("forged", Ct));
        await AssertForbidden(() => Queue(Retarget(grantsA.Inbox, grantsB.Inbox)).ReceiveMessagesAsync(1, cancellationToken: Ct));
        await AssertForbidden(() => Queue(Retarget(grantsA.Inbox, grantsB.Inbox)).PeekMessagesAsync(1, Ct));
        await AssertForbidden(() => new BlobClient(Retarget(grantsA.DesiredStateBlob, grantsB.DesiredStateBlob)).DownloadContentAsync(Ct));
        await AssertForbidden(() => new BlobClient(new Uri(grantsA.DesiredStateBlob.Url)).UploadAsync(BinaryData.FromString("forged"), overwrite: true, Ct));
        await AssertForbidden(() => new QueueServiceClient(ServiceUri(grantsA.Inbox)).GetQueuesAsync(cancellationToken: Ct).AsPages().GetAsyncEnumerator(Ct).MoveNextAsync().AsTask());
        await AssertForbidden(() => new BlobServiceClient(ServiceUri(grantsA.DesiredStateBlob)).GetBlobContainersAsync(cancellationToken: Ct).AsPages().GetAsyncEnumerator(Ct).MoveNextAsync().AsTask());
        await AssertForbidden(() => Queue(grantsA.Reports).ReceiveMessagesAsync(1, cancellationToken: Ct));
        await AssertForbidden(() => Queue(grantsA.Reports).PeekMessagesAsync(1, Ct));

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/nodes/{a}/revoke", null, Ct)).StatusCode);

        await AssertForbidden(() => new BlobClient(new Uri(grantsA.DesiredStateBlob.Url)).DownloadContentAsync(Ct));
        var afterRevocation = await Assert.ThrowsAsync<RequestFailedException>(() => inboxA.ReceiveMessagesAsync(1, cancellationToken: Ct));
        Assert.Equal(403, afterRevocation.Status);
        Assert.False(await app.Storage.Queues.GetQueueClient(app.Storage.Names.NodeQueue(a)).ExistsAsync(Ct));

        // B is untouched.
        Assert.Equal("hello B", Assert.Single((await Queue(grantsB.Inbox).ReceiveMessagesAsync(1, cancellationToken: Ct)).Value).Body.ToString());
        Assert.Equal("jws-for-B", (await new BlobClient(new Uri(grantsB.DesiredStateBlob.Url)).DownloadContentAsync(Ct)).Value.Content.ToString());
    }

    [Fact]
    public async Task A_renewal_keeps_only_the_previous_sas_working_and_re_enrollment_never_revives_a_revoked_one()
    {
        await using var app = await new PkiApp(azurite.ConnectionString).StartAsync();
        using var admin = app.NewClient(admin: "alice");
        using var anonymous = app.NewClient();
        var a = await app.CreateNodeAsync();
        using var agent = new TestAgent();
        var first = await EnrollAsync(admin, anonymous, agent, a);
        await Blob(app, a).UploadAsync(BinaryData.FromString("v1"), Ct);

        // Renewal (the same issuance the renew endpoint does): the previous SAS keeps working, the one before it not.
        var sas = app.Services.GetRequiredService<NodeSasService>();
        var renewed = await sas.IssueAsync(a, cancellationToken: Ct);
        Assert.Equal("v1", (await new BlobClient(new Uri(first.DesiredStateBlob.Url)).DownloadContentAsync(Ct)).Value.Content.ToString());
        await Queue(first.Inbox).PeekMessagesAsync(1, Ct);
        var renewedAgain = await sas.IssueAsync(a, cancellationToken: Ct);
        await AssertForbidden(() => new BlobClient(new Uri(first.DesiredStateBlob.Url)).DownloadContentAsync(Ct));
        await AssertForbidden(() => Queue(first.Inbox).PeekMessagesAsync(1, Ct));
        Assert.Equal("v1", (await new BlobClient(renewed.DesiredStateBlob.Url).DownloadContentAsync(Ct)).Value.Content.ToString());
        Assert.Equal("v1", (await new BlobClient(renewedAgain.DesiredStateBlob.Url).DownloadContentAsync(Ct)).Value.Content.ToString());

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/nodes/{a}/revoke", null, Ct)).StatusCode);
        app.Time.Advance(TimeSpan.FromSeconds(1));
        var second = await EnrollAsync(admin, anonymous, agent, a);

        Assert.Equal("v1", (await new BlobClient(new Uri(second.DesiredStateBlob.Url)).DownloadContentAsync(Ct)).Value.Content.ToString());
        await AssertForbidden(() => new BlobClient(new Uri(first.DesiredStateBlob.Url)).DownloadContentAsync(Ct));
        await AssertForbidden(() => Queue(first.Inbox).ReceiveMessagesAsync(1, cancellationToken: Ct));
    }

    private static async Task<EnrollmentResponse> EnrollAsync(HttpClient admin, HttpClient anonymous, TestAgent agent, string nodeId)
    {
        var token = await PkiHttp.CreateTokenAsync(admin, nodeId);
        var response = await TestAgent.EnrollAsync(anonymous, agent.Request(token.Token));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<EnrollmentResponse>(Ct))!;
    }

    private static BlobClient Blob(PkiApp app, string nodeId) =>
        app.Storage.Blobs.GetBlobContainerClient(app.Storage.Names.NodeDesiredStateContainer(nodeId)).GetBlobClient(StorageNames.DesiredStateBlobName);

    private static QueueClient Queue(SasGrant grant) => Queue(new Uri(grant.Url));

    private static QueueClient Queue(Uri url) => new(url, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None });

    /// <summary>The SAS of <paramref name="own"/> on the path of <paramref name="other"/>: another node's resource with this node's token.</summary>
    private static Uri Retarget(SasGrant own, SasGrant other) =>
        new(new Uri(other.Url).GetLeftPart(UriPartial.Path) + new Uri(own.Url).Query);

    /// <summary>The account endpoint with a node's SAS, for listing queues or containers.</summary>
    private static Uri ServiceUri(SasGrant grant)
    {
        var uri = new Uri(grant.Url);
        var account = uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries)[0];
        return new Uri($"{uri.Scheme}://{uri.Authority}/{account}{uri.Query}");
    }

    private static async Task AssertForbidden(Func<Task> action)
    {
        var e = await Assert.ThrowsAsync<RequestFailedException>(action);
        Assert.Equal(403, e.Status);
    }
}

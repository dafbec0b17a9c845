using System.Security.Cryptography;
using Azure;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Queues.Models;
using Azure.Storage.Sas;
using CloudWg.Functions.Storage;
using Microsoft.Extensions.Options;

namespace CloudWg.Functions.Sas;

/// <summary>
/// Issues and revokes a node's SAS. The inbox queue (<c>node-&lt;id&gt;</c>, read + process) and the desired-state
/// blob (read, one blob in the node's own container) are service SAS bound to stored access policies on the node's
/// own queue and container, so deleting the policies revokes them without touching the account key. Each issuance
/// uses a fresh policy id (kept alongside the previous one, so a lost renewal response does not cut the node off),
/// which also means a revoked SAS never comes back if the node is enrolled again. The reports queue is shared, and a
/// queue holds at most five policies, so its SAS is an ad-hoc, add-only, short-lived one (see <see cref="SasOptions"/>).
/// </summary>
public sealed class NodeSasService(StorageClients storage, IStorageAccountKey accountKey, IOptions<SasOptions> options, TimeProvider time)
{
    /// <summary>
    /// Stored policies kept per queue/container: the newest and the one before it. "Newest" is the latest expiry, and
    /// among equal expiries the later one in the list (storage returns policies in the order they were set; LINQ's
    /// OrderBy is stable).
    /// </summary>
    private const int PoliciesKept = 2;

    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    private SasOptions Options => options.Value;

    /// <summary>
    /// Creates the node's queue and container if needed, adds fresh policies and returns the three SAS URLs. With
    /// <paramref name="keepPrevious"/> (renewal) the newest earlier policy stays valid; without it (a new enrollment)
    /// every earlier SAS of the node stops working.
    /// </summary>
    public async Task<NodeSasSet> IssueAsync(string nodeId, bool keepPrevious = true, CancellationToken cancellationToken = default)
    {
        var kept = keepPrevious ? PoliciesKept - 1 : 0;
        var now = time.GetUtcNow();
        var credential = await accountKey.GetAsync(cancellationToken).ConfigureAwait(false);
        var policyId = "n" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        var nodeExpiry = now + Options.NodeSasLifetime;

        var queueName = storage.Names.NodeQueue(nodeId);
        var queue = storage.Queues.GetQueueClient(queueName);
        try
        {
            await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.ErrorCode == "QueueBeingDeleted")
        {
            throw new StorageBusyException("The node's queue is still being deleted after a revocation; try again in a minute.", e);
        }

        var queuePolicies = (await queue.GetAccessPolicyAsync(cancellationToken).ConfigureAwait(false)).Value
            .OrderBy(p => p.AccessPolicy?.ExpiresOn)
            .TakeLast(kept)
            .Append(new QueueSignedIdentifier
            {
                Id = policyId,
                AccessPolicy = new QueueAccessPolicy { StartsOn = now - ClockSkew, ExpiresOn = nodeExpiry, Permissions = "rp" },
            })
            .ToList();
        await queue.SetAccessPolicyAsync(queuePolicies, cancellationToken).ConfigureAwait(false);
        var inboxSas = new QueueSasBuilder { QueueName = queueName, Identifier = policyId }.ToSasQueryParameters(credential);

        var containerName = storage.Names.NodeDesiredStateContainer(nodeId);
        var container = storage.Blobs.GetBlobContainerClient(containerName);
        await container.CreateIfNotExistsAsync(PublicAccessType.None, cancellationToken: cancellationToken).ConfigureAwait(false);
        var containerPolicies = (await container.GetAccessPolicyAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value.SignedIdentifiers
            .OrderBy(p => p.AccessPolicy?.PolicyExpiresOn)
            .TakeLast(kept)
            .Append(new BlobSignedIdentifier
            {
                Id = policyId,
                AccessPolicy = new BlobAccessPolicy { PolicyStartsOn = now - ClockSkew, PolicyExpiresOn = nodeExpiry, Permissions = "r" },
            })
            .ToList();
        await container.SetAccessPolicyAsync(PublicAccessType.None, containerPolicies, cancellationToken: cancellationToken).ConfigureAwait(false);
        var blobSas = new BlobSasBuilder
        {
            BlobContainerName = containerName,
            BlobName = StorageNames.DesiredStateBlobName,
            Resource = "b",
            Identifier = policyId,
        }.ToSasQueryParameters(credential);

        var reportsExpiry = now + Options.ReportsSasLifetime;
        var reportsBuilder = new QueueSasBuilder
        {
            QueueName = storage.Names.ReportsQueue,
            StartsOn = now - ClockSkew,
            ExpiresOn = reportsExpiry,
        };
        reportsBuilder.SetPermissions(QueueSasPermissions.Add);
        var reportsSas = reportsBuilder.ToSasQueryParameters(credential);

        return new NodeSasSet(
            new SasGrantInfo(Url(QueueEndpoint, queueName, inboxSas.ToString()), nodeExpiry),
            new SasGrantInfo(Url(BlobEndpoint, $"{containerName}/{StorageNames.DesiredStateBlobName}", blobSas.ToString()), nodeExpiry),
            new SasGrantInfo(Url(QueueEndpoint, storage.Names.ReportsQueue, reportsSas.ToString()), reportsExpiry));
    }

    /// <summary>Kills the node's inbox and blob SAS: the queue (with its policies and messages) is deleted, the container's policies removed.</summary>
    public async Task RevokeAsync(string nodeId, CancellationToken cancellationToken = default)
    {
        await storage.Queues.GetQueueClient(storage.Names.NodeQueue(nodeId)).DeleteIfExistsAsync(cancellationToken).ConfigureAwait(false);
        var container = storage.Blobs.GetBlobContainerClient(storage.Names.NodeDesiredStateContainer(nodeId));
        if (await container.ExistsAsync(cancellationToken).ConfigureAwait(false))
        {
            await container.SetAccessPolicyAsync(PublicAccessType.None, [], cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    private Uri QueueEndpoint => Options.PublicQueueEndpoint ?? storage.Queues.Uri;

    private Uri BlobEndpoint => Options.PublicBlobEndpoint ?? storage.Blobs.Uri;

    private static Uri Url(Uri endpoint, string path, string sas) =>
        new($"{endpoint.AbsoluteUri.TrimEnd('/')}/{path}?{sas}");
}

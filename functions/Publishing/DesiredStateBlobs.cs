using System.Globalization;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using CloudWg.Functions.Storage;
using CloudWg.Protocol;
using CloudWg.Protocol.Json;
using CloudWg.Protocol.Jws;

namespace CloudWg.Functions.Publishing;

/// <summary>
/// The node's latest signed desired state: blob <see cref="StorageNames.DesiredStateBlobName"/> in the node's own container
/// <c>[prefix-]ds-&lt;nodeId&gt;</c> (one container per node, so its read SAS can hang off a per-node stored access
/// policy; the same layout as enrollment's SAS). Writes never regress: each write is conditional on the ETag
/// read just before, and is skipped when the blob already holds the same or a higher version.
/// </summary>
public sealed class DesiredStateBlobs(StorageClients storage, ISigningKeys keys)
{
    public BlobClient Blob(string nodeId) => Container(nodeId).GetBlobClient(StorageNames.DesiredStateBlobName);

    /// <summary>
    /// Writes <paramref name="document"/> as version <paramref name="version"/> unless the blob holds the same or a
    /// higher version; false when it did not write. The blob's version comes from its metadata, or — with
    /// <paramref name="verifyExisting"/>, used by the republish timer — from its verified content, because metadata
    /// (and content) in storage can be tampered with and must not be able to block publishing.
    /// </summary>
    public async Task<bool> WriteIfNewerAsync(string nodeId, long version, SignedDocument document, bool verifyExisting, CancellationToken cancellationToken)
    {
        var blob = Blob(nodeId);
        while (true)
        {
            ETag? etag = null;
            long current = 0;
            if (verifyExisting)
            {
                var existing = await ReadVerifiedAsync(nodeId, cancellationToken);
                etag = existing.ETag;
                current = existing.Document?.Version ?? 0;
            }
            else
            {
                try
                {
                    var properties = await blob.GetPropertiesAsync(cancellationToken: cancellationToken);
                    etag = properties.Value.ETag;
                    current = properties.Value.Metadata.TryGetValue("version", out var text)
                        && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : 0;
                }
                catch (RequestFailedException e) when (e.Status == StatusCodes.Status404NotFound)
                {
                }
            }

            if (current >= version)
            {
                return false;
            }

            var options = new BlobUploadOptions
            {
                Conditions = etag is { } match ? new BlobRequestConditions { IfMatch = match } : new BlobRequestConditions { IfNoneMatch = ETag.All },
                Metadata = new Dictionary<string, string>
                {
                    ["version"] = version.ToString(CultureInfo.InvariantCulture),
                    ["sha256"] = document.Sha256,
                },
                HttpHeaders = new BlobHttpHeaders { ContentType = "application/jose" },
            };
            try
            {
                await blob.UploadAsync(BinaryData.FromString(document.Compact), options, cancellationToken);
                return true;
            }
            catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.ContainerNotFound)
            {
                await Container(nodeId).CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            }
            catch (RequestFailedException e) when (e.Status is StatusCodes.Status409Conflict or StatusCodes.Status412PreconditionFailed)
            {
                // Someone wrote in between: read again and compare.
            }
        }
    }

    /// <summary>
    /// The blob as it is now, trusted only if it verifies with the signing keys and is for this node. A missing
    /// blob, garbage, or another node's document gives a null <see cref="VerifiedBlob.Document"/>.
    /// </summary>
    public async Task<VerifiedBlob> ReadVerifiedAsync(string nodeId, CancellationToken cancellationToken)
    {
        BlobDownloadResult content;
        try
        {
            content = (await Blob(nodeId).DownloadContentAsync(cancellationToken)).Value;
        }
        catch (RequestFailedException e) when (e.Status == StatusCodes.Status404NotFound)
        {
            return new VerifiedBlob(null, null, null, null);
        }

        var compact = content.Content.ToString();
        // A node with thousands of peers has a multi-megabyte document.
        var result = new JwsVerifier(await keys.GetTrustBundleAsync(cancellationToken), JwsVerifier.LargeDesiredStateMaxLength).Verify(compact, JwsTypes.DesiredState);
        if (!result.IsValid)
        {
            return new VerifiedBlob(content.Details.ETag, null, null, null);
        }

        try
        {
            var state = CanonicalJson.Deserialize(result.Payload);
            return state.NodeId == nodeId
                ? new VerifiedBlob(content.Details.ETag, state, ContentHash.Sha256Hex(result.Payload), compact)
                : new VerifiedBlob(content.Details.ETag, null, null, null);
        }
        catch (ProtocolJsonException)
        {
            return new VerifiedBlob(content.Details.ETag, null, null, null);
        }
    }

    public async Task DeleteAsync(string nodeId, CancellationToken cancellationToken) =>
        await Container(nodeId).DeleteIfExistsAsync(cancellationToken: cancellationToken);

    private BlobContainerClient Container(string nodeId) => storage.Blobs.GetBlobContainerClient(storage.Names.NodeDesiredStateContainer(nodeId));
}

using CloudWg.Functions.Pki;
using CloudWg.Functions.Sas;

namespace CloudWg.Functions.Enrollment;

/// <summary>
/// Revokes a node: every certificate it holds stops authenticating, its inbox and blob SAS stop working (policies
/// removed, queue deleted), and the node is marked revoked. Safe to retry; the nodes feature calls it when a node
/// is deleted as well.
/// </summary>
public sealed class NodeRevocation(NodeCertificateStore certificates, NodeSasService sas, INodeDirectory nodes, TimeProvider time)
{
    public async Task<RevocationResult> RevokeAsync(string nodeId, bool markNode = true, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        // Certificates first: from here on the node cannot authenticate, even if a storage step below fails and is retried.
        var serials = await certificates.RevokeAllAsync(nodeId, now, cancellationToken).ConfigureAwait(false);
        await sas.RevokeAsync(nodeId, cancellationToken).ConfigureAwait(false);
        if (markNode)
        {
            await nodes.MarkRevokedAsync(nodeId, now, cancellationToken).ConfigureAwait(false);
        }

        return new RevocationResult(nodeId, now, serials);
    }
}

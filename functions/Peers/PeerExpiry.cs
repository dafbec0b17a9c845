using Azure;
using CloudWg.Functions.Changes;
using CloudWg.Functions.Leases;
using CloudWg.Functions.Nodes;
using CloudWg.Functions.Publishing;

namespace CloudWg.Functions.Peers;

/// <summary>
/// The expiry timer's work: deletes peers whose <c>expiresAt</c> has passed (the compiler already leaves them out
/// of the desired state from that moment; this removes them and frees their addresses), and frees leases whose
/// peer does not exist — left behind when an instance died between claiming an address and writing the peer.
/// </summary>
public sealed partial class PeerExpiry(
    NodeStore nodes,
    PeerStore peers,
    LeaseStore leases,
    ChangeRecorder changes,
    INodePublisher publisher,
    TimeProvider time,
    ILogger<PeerExpiry> logger)
{
    /// <summary>How old a lease without a peer must be before it is freed (longer than any peer creation takes).</summary>
    public static readonly TimeSpan OrphanLeaseGrace = TimeSpan.FromMinutes(10);

    public async Task<ExpiryReport> RunAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var expired = new List<string>();
        var freed = 0;
        foreach (var node in await nodes.ListAsync(cancellationToken))
        {
            var nodePeers = await peers.ListAsync(node.Id, cancellationToken);
            var removedHere = 0;
            foreach (var peer in nodePeers.Where(p => p.ExpiresAt is { } at && at <= now))
            {
                try
                {
                    await peers.DeleteAsync(peer, peer.ETag, cancellationToken);
                }
                catch (RequestFailedException e) when (e.Status is StatusCodes.Status404NotFound or StatusCodes.Status412PreconditionFailed)
                {
                    // Deleted or changed (perhaps extended) meanwhile: the next run looks again.
                    continue;
                }

                await leases.ReleaseAsync(node.Id, peer.Id, peer.Addresses, cancellationToken);
                await changes.CommittedAsync(MutationContext.System, ChangeActions.Peer, ChangeActions.Deleted, peer.Id, node.Id, peer.ETag, null, publish: false);
                LogExpired(logger, peer.Id, node.Id);
                expired.Add(peer.Id);
                removedHere++;
            }

            var live = nodePeers.Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
            foreach (var lease in await leases.ListAsync(node.Id, cancellationToken))
            {
                if (!live.Contains(lease.PeerId) && now - lease.ClaimedAt > OrphanLeaseGrace)
                {
                    await leases.DeleteAsync(node.Id, lease.RowKey, lease.ETag, cancellationToken);
                    freed++;
                }
            }

            if (removedHere > 0)
            {
                await publisher.PublishAsync(node.Id, cancellationToken);
            }
        }

        return new ExpiryReport(expired, freed);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Peer {PeerId} of node {NodeId} expired and was deleted")]
    private static partial void LogExpired(ILogger logger, string peerId, string nodeId);
}

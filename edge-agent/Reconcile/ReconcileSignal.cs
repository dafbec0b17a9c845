using System.Threading.Channels;
using CloudWg.Protocol.DesiredStates;

namespace CloudWg.EdgeAgent.Reconcile;

/// <summary>Hands newly accepted documents to the reconciler; only the newest pending one matters.</summary>
public sealed class ReconcileSignal
{
    private readonly Channel<DesiredState> channel = Channel.CreateBounded<DesiredState>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    public void Notify(DesiredState document) => channel.Writer.TryWrite(document);

    public ChannelReader<DesiredState> Reader => channel.Reader;
}

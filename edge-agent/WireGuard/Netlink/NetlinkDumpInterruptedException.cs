namespace CloudWg.EdgeAgent.WireGuard.Netlink;

/// <summary>The kernel flagged a dump NLM_F_DUMP_INTR: the object changed while it was being dumped; retry.</summary>
public sealed class NetlinkDumpInterruptedException : NetlinkException
{
    public NetlinkDumpInterruptedException()
        : base("The netlink dump was interrupted by a concurrent change (NLM_F_DUMP_INTR).")
    {
    }
}

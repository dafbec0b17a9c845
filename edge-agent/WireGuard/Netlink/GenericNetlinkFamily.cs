using static CloudWg.EdgeAgent.WireGuard.Netlink.NetlinkConstants;

namespace CloudWg.EdgeAgent.WireGuard.Netlink;

/// <summary>Resolves generic netlink family names to their ids through the kernel's nlctrl family.</summary>
internal static class GenericNetlinkFamily
{
    /// <summary>The family id, or null when the kernel has no such family (ENOENT).</summary>
    public static ushort? Resolve(GenericNetlinkSocket socket, string name)
    {
        List<NetlinkMessage> replies;
        try
        {
            replies = socket.Request(WireGuardNetlinkEncoder.GetFamily(name, socket.NextSequence()), $"CTRL_CMD_GETFAMILY {name}");
        }
        catch (NetlinkException e) when (e.Errno == 2)
        {
            return null;
        }

        return DecodeFamilyId(replies);
    }

    public static ushort DecodeFamilyId(IEnumerable<NetlinkMessage> replies)
    {
        foreach (var reply in replies.Where(r => r.Type == GenlIdCtrl))
        {
            foreach (var attribute in reply.GenlAttributes())
            {
                if (attribute.Type == CtrlAttrFamilyId)
                {
                    return attribute.U16();
                }
            }
        }

        throw new FormatException("CTRL_CMD_GETFAMILY answer without CTRL_ATTR_FAMILY_ID.");
    }
}

namespace CloudWg.Functions.Changes;

/// <summary>Values of <see cref="ChangeEntry.Action"/>, and the resource types of the feed.</summary>
public static class ChangeActions
{
    public const string Created = "created";
    public const string Updated = "updated";
    public const string Deleted = "deleted";

    public const string Node = "node";
    public const string Peer = "peer";
    public const string Route = "route";
    public const string FirewallRule = "firewall-rule";
}

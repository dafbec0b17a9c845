namespace CloudWg.Functions.Reports;

/// <summary>Node status derived from reports; it takes precedence over <c>enrolled</c> once a node has reported.</summary>
public static class NodeLiveness
{
    public const string Online = "online";
    public const string Offline = "offline";
}

namespace CloudWg.Functions.Pki;

/// <summary>How a node's identity appears in its certificate: CN = node id and the URI SAN <c>urn:cloudwg:node:&lt;id&gt;</c>.</summary>
public static class NodeIdentity
{
    public const string UriPrefix = "urn:cloudwg:node:";

    public static Uri ToUri(string nodeId) => new(UriPrefix + nodeId);

    /// <summary>The node id from a URI SAN value, or null when the URI is not a CloudWg node URI.</summary>
    public static string? FromUri(string uri) =>
        uri.StartsWith(UriPrefix, StringComparison.Ordinal) && uri.Length > UriPrefix.Length ? uri[UriPrefix.Length..] : null;
}

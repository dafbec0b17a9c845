namespace CloudWg.Functions.Agent;

/// <summary>Claims of a request authenticated with a node certificate.</summary>
public static class NodeClaims
{
    public const string NodeId = "cloudwg:node-id";
    public const string Serial = "cloudwg:certificate-serial";
    public const string MethodCertificate = "certificate";
}

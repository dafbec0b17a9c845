namespace CloudWg.Functions.Agent;

/// <summary>Claims of a request authenticated as a node.</summary>
public static class NodeClaims
{
    public const string NodeId = "cloudwg:node-id";
    public const string Serial = "cloudwg:certificate-serial";

    /// <summary><see cref="Auth.CloudWgClaims.Method"/> of a request signed with the node key.</summary>
    public const string MethodSignature = "signature";

    /// <summary><see cref="Auth.CloudWgClaims.Method"/> of a request over mutual TLS.</summary>
    public const string MethodCertificate = "certificate";
}

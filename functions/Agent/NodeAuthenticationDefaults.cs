namespace CloudWg.Functions.Agent;

public static class NodeAuthenticationDefaults
{
    /// <summary>
    /// Authentication scheme of <see cref="Auth.Policies.Node"/>: a request signed with the node key (RFC 9421, see
    /// <see cref="CloudWg.Protocol.HttpSignatures.NodeRequestSignature"/>), or a TLS client certificate where Kestrel
    /// terminates TLS itself.
    /// </summary>
    public const string Scheme = "Node";

    /// <summary>Response header: seconds the node's signature time differs from the control plane's clock (positive = node ahead).</summary>
    public const string ClockSkewHeader = "CloudWg-Clock-Skew";
}

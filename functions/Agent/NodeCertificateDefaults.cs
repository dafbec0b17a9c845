namespace CloudWg.Functions.Agent;

public static class NodeCertificateDefaults
{
    /// <summary>Authentication scheme of <see cref="Auth.Policies.Node"/>: a client certificate issued by the fleet CA.</summary>
    public const string Scheme = "NodeCertificate";

    /// <summary>The client certificate as the Functions front end forwards it (base64 DER).</summary>
    public const string ForwardedCertificateHeader = "X-ARR-ClientCert";
}

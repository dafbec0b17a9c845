namespace CloudWg.Protocol.Jws;

/// <summary>The <c>typ</c> header values CloudWg signs and expects; a verifier always names the one it wants.</summary>
public static class JwsTypes
{
    /// <summary>A node's desired state, signed by the control plane's config-signing key.</summary>
    public const string DesiredState = "cloudwg-desired-state+jws";

    /// <summary>
    /// A node report, signed by the node's TLS key. The agent signs with <see cref="EcdsaJwsSigner"/>'s default kid
    /// (the key's RFC 7638 thumbprint), so the control plane can tell which of a node's certificates (current or
    /// just renewed) to verify with: <c>Jwk.FromCertificate(cert)</c> yields the same kid.
    /// </summary>
    public const string Report = "cloudwg-report+jws";
}

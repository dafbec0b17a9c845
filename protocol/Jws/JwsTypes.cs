namespace CloudWg.Protocol.Jws;

/// <summary>The <c>typ</c> header values CloudWg signs and expects; a verifier always names the one it wants.</summary>
public static class JwsTypes
{
    /// <summary>A node's desired state, signed by the control plane's config-signing key.</summary>
    public const string DesiredState = "cloudwg-desired-state+jws";

    /// <summary>A node report, signed by the node's TLS key.</summary>
    public const string Report = "cloudwg-report+jws";
}

using System.ComponentModel.DataAnnotations;

namespace CloudWg.Functions.Pki;

/// <summary>Settings under <c>CloudWg:Pki</c>: which certificate authority signs node certificates, and lifetimes.</summary>
public sealed class PkiOptions
{
    public const string Section = "CloudWg:Pki";

    /// <summary>
    /// <c>Local</c> (keys in the state directory) or <c>KeyVault</c> (non-exportable keys in the vault). Unset: Key Vault
    /// when a vault is configured (<c>CloudWg:KeyVault:Uri</c> or <c>CloudWg:KeyVaultUri</c>), otherwise Local.
    /// </summary>
    public CertificateAuthorityProvider? Provider { get; set; }

    /// <summary>Lifetime of a node certificate. Default one year.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "3650.00:00:00")]
    public TimeSpan NodeCertificateLifetime { get; set; } = TimeSpan.FromDays(365);

    /// <summary>Host names and addresses of the control plane's own HTTPS certificate (local mTLS endpoint).</summary>
    public string[] ServerNames { get; set; } = ["localhost", "127.0.0.1"];

    /// <summary>
    /// When true (default), HTTPS endpoints of Kestrel present a server certificate issued by the fleet CA, so agents
    /// verify the control plane with the root they pinned. Set false when Kestrel has a certificate of its own.
    /// </summary>
    public bool ServeHttpsWithFleetCertificate { get; set; } = true;
}

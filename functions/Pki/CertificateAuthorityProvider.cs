namespace CloudWg.Functions.Pki;

/// <summary>Where the CA keys live.</summary>
public enum CertificateAuthorityProvider
{
    /// <summary>PEM files in the state directory (0600): the embedded, Azure-free default.</summary>
    Local,

    /// <summary>Non-exportable EC keys in Azure Key Vault; signing through its REST <c>sign</c> operation.</summary>
    KeyVault,
}

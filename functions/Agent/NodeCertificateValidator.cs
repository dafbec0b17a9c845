using System.Security.Cryptography.X509Certificates;
using CloudWg.Functions.Pki;

namespace CloudWg.Functions.Agent;

/// <summary>
/// Whether a certificate is a live node certificate of this fleet: the chain ends at the fleet CA and root (custom
/// root trust, nothing from the system store), it is valid now, carries the client-auth EKU and a node URI SAN
/// matching its CN, and its serial is recorded for that node and not revoked.
/// </summary>
public sealed class NodeCertificateValidator(ICertificateAuthority authority, NodeCertificateStore certificates, TimeProvider time)
{
    /// <summary>The node id, or null and the reason why not.</summary>
    public async Task<(string? NodeId, string? Failure)> ValidateAsync(X509Certificate2 certificate, bool checkRevocation, CancellationToken cancellationToken)
    {
        var ca = await authority.GetCertificatesAsync(cancellationToken).ConfigureAwait(false);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca.Root);
        chain.ChainPolicy.ExtraStore.Add(ca.Fleet);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = time.GetUtcNow().UtcDateTime;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        chain.ChainPolicy.ApplicationPolicy.Add(CertificateProfiles.ClientAuth);
        if (!chain.Build(certificate))
        {
            var status = string.Join(", ", chain.ChainStatus.Select(s => s.Status));
            return (null, $"The node certificate is not valid for this fleet ({status}). Enroll the node again.");
        }

        if (chain.ChainElements.Count != 3 || chain.ChainElements[1].Certificate.Thumbprint != ca.Fleet.Thumbprint)
        {
            return (null, "The node certificate was not issued by the fleet CA.");
        }

        var nodeId = SubjectAlternativeNames.Uris(certificate).Select(NodeIdentity.FromUri).FirstOrDefault(id => id is not null);
        if (nodeId is null || certificate.GetNameInfo(X509NameType.SimpleName, false) != nodeId)
        {
            return (null, "The node certificate does not name a node.");
        }

        if (checkRevocation && !await IsActiveAsync(nodeId, certificate, cancellationToken).ConfigureAwait(false))
        {
            return (null, Revoked);
        }

        return (nodeId, null);
    }

    public const string Revoked = "The node certificate has been revoked. The node must be enrolled again with a new token.";

    public Task<bool> IsActiveAsync(string nodeId, X509Certificate2 certificate, CancellationToken cancellationToken) =>
        certificates.IsActiveAsync(nodeId, certificate.SerialNumber, cancellationToken);
}

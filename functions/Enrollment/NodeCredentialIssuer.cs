using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CloudWg.Functions.Pki;
using CloudWg.Functions.Sas;
using CloudWg.Protocol.Jws;
using CloudWg.Protocol.Messages;
using Microsoft.Extensions.Options;

namespace CloudWg.Functions.Enrollment;

/// <summary>
/// Everything a node gets at enrollment and renewal: a certificate from the fleet CA, the trust bundle and a fresh SAS
/// set; the certificate is recorded (so it can authenticate and be revoked) and the node entity updated.
/// </summary>
public sealed class NodeCredentialIssuer(
    ICertificateAuthority authority,
    IConfigSigningKeys signingKeys,
    NodeSasService sas,
    NodeCertificateStore certificates,
    INodeDirectory nodes,
    NodeRevocation revocation,
    IOptions<PkiOptions> options,
    TimeProvider time)
{
    /// <param name="renewedSerial">For a renewal, the serial of the certificate the node authenticated with; null for an enrollment.</param>
    public async Task<IssuedCredentials> IssueAsync(
        string nodeId, PublicKey publicKey, string? wireGuardPublicKey, string? hostname, string? agentVersion, string? renewedSerial, CancellationToken cancellationToken)
    {
        // A deleted node's certificate may still chain; issue nothing (no certificate row, no queue) for it.
        if (!await nodes.ExistsAsync(nodeId, cancellationToken).ConfigureAwait(false))
        {
            throw new NodeNotFoundException(nodeId);
        }

        var certificate = await authority.IssueNodeCertificateAsync(nodeId, publicKey, options.Value.NodeCertificateLifetime, cancellationToken).ConfigureAwait(false);
        var renewal = renewedSerial is not null;
        await certificates.RecordIssuedAsync(nodeId, certificate, renewal ? NodeCertificateStore.RenewReason : "enroll", cancellationToken).ConfigureAwait(false);
        // A new enrollment (say, a reinstalled machine) supersedes everything the node held before; a renewal keeps
        // the certificate and SAS it was made with, so a lost response does not lock the node out.
        await certificates.RevokeExceptAsync(nodeId, renewal ? [certificate.SerialNumber, renewedSerial!] : [certificate.SerialNumber], time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        var grants = await sas.IssueAsync(nodeId, keepPrevious: renewal, cancellationToken).ConfigureAwait(false);
        var expiresAt = new DateTimeOffset(certificate.NotAfter.ToUniversalTime());
        await nodes.RecordEnrollmentAsync(nodeId, new NodeEnrollment(
            wireGuardPublicKey,
            hostname,
            agentVersion,
            certificate.SerialNumber,
            certificate.GetCertHashString(HashAlgorithmName.SHA256),
            expiresAt,
            time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
        if (renewal && await certificates.IsRevokedAsync(nodeId, cancellationToken).ConfigureAwait(false))
        {
            // Revoked while this renewal was in flight, and maybe before the SAS above were issued: revoke again (the
            // certificate recorded above and those SAS included), and hand out nothing. A revocation that has not
            // reached this point yet revokes them itself.
            await revocation.RevokeAsync(nodeId, cancellationToken: cancellationToken).ConfigureAwait(false);
            throw new NodeRevokedException(nodeId);
        }

        var ca = await authority.GetCertificatesAsync(cancellationToken).ConfigureAwait(false);
        return new IssuedCredentials(
            nodeId,
            [certificate.ExportCertificatePem(), ca.Fleet.ExportCertificatePem(), ca.Root.ExportCertificatePem()],
            await GetTrustBundleAsync(cancellationToken).ConfigureAwait(false),
            new SasGrant(grants.Inbox.Url.AbsoluteUri, grants.Inbox.ExpiresAt),
            new SasGrant(grants.DesiredStateBlob.Url.AbsoluteUri, grants.DesiredStateBlob.ExpiresAt),
            new SasGrant(grants.Reports.Url.AbsoluteUri, grants.Reports.ExpiresAt),
            expiresAt);
    }

    /// <summary>The root CA and the published config-signing keys (current and, during a rotation, next).</summary>
    public async Task<TrustBundle> GetTrustBundleAsync(CancellationToken cancellationToken)
    {
        var ca = await authority.GetCertificatesAsync(cancellationToken).ConfigureAwait(false);
        var keys = await signingKeys.GetPublishedAsync(cancellationToken).ConfigureAwait(false);
        return new TrustBundle([.. keys.Select(k => k.PublicKey)], [ca.Root.ExportCertificatePem()]);
    }
}

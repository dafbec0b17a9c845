using CloudWg.EdgeAgent.Infrastructure;

namespace CloudWg.EdgeAgent.Enrollment;

/// <summary>One renewal: a fresh TLS key and CSR, <c>POST /api/agent/renew</c> over mTLS, then store everything.</summary>
public sealed class CredentialRenewer(NodeIdentityStore identity, AgentHttpClients http, TimeProvider time)
{
    public async Task<AgentEnrollment> RenewAsync(CancellationToken cancellationToken)
    {
        var enrollment = identity.GetEnrollment() ?? throw new InvalidOperationException("The node is not enrolled.");
        using var key = NodeIdentityStore.NewTlsKey();
        var csr = NodeIdentityStore.CreateCsr(key, Environment.MachineName.ToLowerInvariant());
        var issued = await new ControlPlaneClient(http.ControlPlane, enrollment.ControlUrl).RenewAsync(csr, cancellationToken).ConfigureAwait(false);
        var notBefore = Enroller.CheckCertificate(issued, time.GetUtcNow());
        identity.SaveRenewedIdentity(key, issued.CertificateChainPem);
        if (issued.TrustBundle is { } bundle)
        {
            identity.SaveTrustBundle(bundle);
        }

        var renewed = Enroller.ToEnrollment(enrollment.NodeId, enrollment.ControlUrl, issued, notBefore);
        identity.SaveEnrollment(renewed);
        http.CertificateChanged();
        return renewed;
    }
}

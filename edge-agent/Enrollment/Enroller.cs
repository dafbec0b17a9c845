using System.Security.Cryptography.X509Certificates;
using CloudWg.EdgeAgent.State;
using CloudWg.EdgeAgent.WireGuard;
using CloudWg.Protocol.Messages;

namespace CloudWg.EdgeAgent.Enrollment;

/// <summary>
/// <c>cloudwg-agent enroll</c>: generates the node's WireGuard and TLS keys on the node (0600), sends the
/// public halves with the one-time token, and stores certificate, trust bundle and SAS grants.
/// </summary>
public sealed class Enroller(AgentStateStore store, NodeIdentityStore identity, TimeProvider time, TextWriter progress)
{
    /// <param name="pin">With <c>--root-sha256</c>: the returned trust bundle must name that root and no other.</param>
    public async Task<AgentEnrollment> EnrollAsync(string controlUrl, string token, HttpClient http, CancellationToken cancellationToken, RootPin? pin = null)
    {
        if (identity.GetEnrollment() is { } existing)
        {
            throw new ControlPlaneException($"This node is already enrolled as {existing.NodeId} (state in {identity.StateDirectoryPath}). To enroll again, remove that directory first.");
        }

        progress.WriteLine("Generating the WireGuard key (X25519)...");
        var wireGuardKey = identity.GetOrCreateWireGuardKey();
        var wireGuardPublic = WgKeyPair.PublicKeyOf(wireGuardKey);

        progress.WriteLine("Generating the TLS key (P-256) and certificate request...");
        using var tlsKey = NodeIdentityStore.NewTlsKey();
        var hostname = HostName();
        var csr = NodeIdentityStore.CreateCsr(tlsKey, hostname);

        progress.WriteLine($"Enrolling with {controlUrl}...");
        var client = new ControlPlaneClient(http, controlUrl);
        var request = new EnrollmentRequest(token, csr, wireGuardPublic.ToString(), hostname, AgentVersion.Current);
        var issued = await client.EnrollAsync(request, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        if (issued.NodeId is null || issued.TrustBundle is null)
        {
            throw new ControlPlaneException("The control plane's enrollment answer has no node id or trust bundle.");
        }

        pin?.CheckIssued(issued);
        var notBefore = CheckCertificate(issued, time.GetUtcNow());
        identity.SaveTlsKey(tlsKey);
        identity.SaveCertificateChain(issued.CertificateChainPem);
        identity.SaveTrustBundle(issued.TrustBundle);
        var enrollment = ToEnrollment(issued.NodeId, controlUrl, issued, notBefore);
        identity.SaveEnrollment(enrollment);
        store.SetSetting("enrolledAt", ControlPlaneClient.Iso(time.GetUtcNow()));
        progress.WriteLine($"Enrolled as node {issued.NodeId}; WireGuard public key {wireGuardPublic}. Start the agent with 'systemctl enable --now cloudwg-agent'.");
        return enrollment;
    }

    public static AgentEnrollment ToEnrollment(string nodeId, string controlUrl, IssuedCredentials issued, DateTimeOffset notBefore) =>
        new(nodeId, controlUrl,
            issued.Inbox.Url, issued.Inbox.ExpiresAt,
            issued.DesiredStateBlob.Url, issued.DesiredStateBlob.ExpiresAt,
            issued.Reports.Url, issued.Reports.ExpiresAt,
            notBefore, issued.CertificateExpiresAt);

    /// <summary>Checks the leaf parses and is valid now (a wrong clock shows here); returns its NotBefore.</summary>
    public static DateTimeOffset CheckCertificate(IssuedCredentials issued, DateTimeOffset now)
    {
        if (issued.CertificateChainPem.Count == 0)
        {
            throw new ControlPlaneException("The control plane returned no certificate.");
        }

        using var leaf = X509Certificate2.CreateFromPem(issued.CertificateChainPem[0]);
        var notBefore = new DateTimeOffset(leaf.NotBefore.ToUniversalTime());
        if (now + ControlPlaneClient.MaxClockSkew < notBefore || now > new DateTimeOffset(leaf.NotAfter.ToUniversalTime()))
        {
            throw new ControlPlaneException(
                $"The issued certificate is valid from {notBefore:u} to {leaf.NotAfter.ToUniversalTime():u}, but this host's clock says {now:u}. Fix the clock and enroll with a new token.");
        }

        return notBefore;
    }

    private static string HostName()
    {
        var name = Environment.MachineName.ToLowerInvariant();
        return string.IsNullOrEmpty(name) ? "node" : name;
    }
}

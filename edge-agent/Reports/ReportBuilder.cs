using System.Globalization;
using CloudWg.EdgeAgent.Enrollment;
using CloudWg.EdgeAgent.Reconcile;
using CloudWg.EdgeAgent.State;
using CloudWg.EdgeAgent.WireGuard;
using CloudWg.EdgeAgent.WireGuard.Uapi;
using CloudWg.Protocol.Json;
using CloudWg.Protocol.Jws;
using CloudWg.Protocol.Messages;

namespace CloudWg.EdgeAgent.Reports;

/// <summary>Builds a <see cref="NodeReport"/> from the agent's state and signs it with the node's TLS key.</summary>
public sealed class ReportBuilder(
    AgentStateStore store,
    NodeIdentityStore identity,
    Reconciler reconciler,
    WireGuardDriver wireGuard,
    Microsoft.Extensions.Options.IOptions<Reconcile.DataPlaneOptions> dataPlane,
    TimeProvider time)
{
    private const string SequenceKey = "report.sequence";

    /// <summary>The signed report (compact JWS), or null before enrollment.</summary>
    public async Task<string?> BuildSignedAsync(CancellationToken cancellationToken)
    {
        var enrollment = identity.GetEnrollment();
        using var key = identity.LoadTlsKey();
        if (enrollment is null || key is null)
        {
            return null;
        }

        var report = await BuildAsync(enrollment.NodeId, cancellationToken).ConfigureAwait(false);
        using var signer = new EcdsaJwsSigner(CloneKey(key));
        var payload = CanonicalJson.Serialize(report, ProtocolJsonContext.Default.NodeReport);
        return await Jws.SignAsync(signer, payload, JwsTypes.Report, cancellationToken).ConfigureAwait(false);
    }

    public async Task<NodeReport> BuildAsync(string nodeId, CancellationToken cancellationToken)
    {
        var sequence = long.Parse(store.GetSetting(SequenceKey) ?? "0", CultureInfo.InvariantCulture) + 1;
        store.SetSetting(SequenceKey, sequence.ToString(CultureInfo.InvariantCulture));

        var peers = new List<PeerStats>();
        if (reconciler.Current is { } current)
        {
            try
            {
                if (await wireGuard.ReadDeviceAsync(current.WireGuard.Interface, cancellationToken).ConfigureAwait(false) is { } device)
                {
                    peers.AddRange(device.Peers.Select(p => new PeerStats(
                        p.PublicKey.ToString(), p.LastHandshake, p.ReceiveBytes, p.TransmitBytes,
                        p.Endpoint is null ? null : UapiRenderer.FormatEndpoint(p.Endpoint))));
                }
            }
            catch (WireGuardException)
            {
                // The reconcile outcome already says what is wrong with the device; report without stats.
            }
        }

        var pass = reconciler.LastPass;
        var applied = store.GetAppliedVersion();
        var counts = store.GetRejections().ToDictionary(r => r.Reason, r => r.Count, StringComparer.Ordinal);
        var error = pass?.Error;
        return new NodeReport(
            nodeId,
            sequence,
            time.GetUtcNow(),
            applied == 0 ? null : applied,
            pass?.Outcome ?? ReconcileOutcomes.Pending,
            error is { Length: > NodeReport.MaxErrorLength } ? error[..NodeReport.MaxErrorLength] : error,
            peers,
            AgentVersion.Current,
            new RejectionCounters(counts),
            dataPlane.Value.EffectiveL4Proxy is "caddy" or "haproxy" ? dataPlane.Value.EffectiveL4Proxy : "none");
    }

    private static System.Security.Cryptography.ECDsa CloneKey(System.Security.Cryptography.ECDsa key)
    {
        var clone = System.Security.Cryptography.ECDsa.Create();
        clone.ImportParameters(key.ExportParameters(includePrivateParameters: true));
        return clone;
    }
}

using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using CloudWg.EdgeAgent.Hosting;
using CloudWg.EdgeAgent.State;
using CloudWg.EdgeAgent.WireGuard;
using CloudWg.Protocol.Json;
using CloudWg.Protocol.Jws;

namespace CloudWg.EdgeAgent.Enrollment;

/// <summary>
/// The node's identity in its state directory: WireGuard key (<c>wireguard.key</c>), TLS key
/// (<c>tls.key</c>), certificate chain (<c>tls.crt</c>), all 0600; enrollment metadata and the pinned
/// trust bundle in the state store.
/// </summary>
public sealed class NodeIdentityStore(string stateDirectory, AgentStateStore store) : IWireGuardKeyProvider
{
    public const string WireGuardKeyFile = "wireguard.key";
    public const string TlsKeyFile = "tls.key";

    /// <summary>A renewed key on its way to <see cref="TlsKeyFile"/> (see <see cref="SaveRenewedIdentity"/>).</summary>
    public const string PendingTlsKeyFile = "tls.key.new";
    public const string CertificateFile = "tls.crt";

    private WgKey? cachedWireGuardKey;

    public string StateDirectoryPath => stateDirectory;

    public bool IsEnrolled => GetEnrollment() is not null && GetTrustBundle() is not null;

    public AgentEnrollment? GetEnrollment()
    {
        var json = store.GetSetting(SettingKeys.Enrollment);
        return json is null ? null : JsonSerializer.Deserialize(json, AgentJsonContext.Default.AgentEnrollment);
    }

    public void SaveEnrollment(AgentEnrollment enrollment) =>
        store.SetSetting(SettingKeys.Enrollment, JsonSerializer.Serialize(enrollment, AgentJsonContext.Default.AgentEnrollment));

    public TrustBundle? GetTrustBundle()
    {
        var json = store.GetSetting(SettingKeys.TrustBundle);
        return json is null ? null : CanonicalJson.Deserialize(System.Text.Encoding.UTF8.GetBytes(json), ProtocolJsonContext.Default.TrustBundle);
    }

    public void SaveTrustBundle(TrustBundle bundle) =>
        store.SetSetting(SettingKeys.TrustBundle, System.Text.Encoding.UTF8.GetString(CanonicalJson.Serialize(bundle, ProtocolJsonContext.Default.TrustBundle)));

    /// <summary>The WireGuard private key, generating it (0600) on first use.</summary>
    public WgKey GetOrCreateWireGuardKey()
    {
        var path = Path.Combine(stateDirectory, WireGuardKeyFile);
        if (!File.Exists(path))
        {
            StateDirectory.WriteSecret(path, WgKeyPair.GeneratePrivateKey() + "\n");
        }

        return GetPrivateKey();
    }

    public WgKey GetPrivateKey()
    {
        if (cachedWireGuardKey is { } key)
        {
            return key;
        }

        var path = Path.Combine(stateDirectory, WireGuardKeyFile);
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"The node has no WireGuard key at {path}; run 'cloudwg-agent enroll' first.");
        }

        key = WgKey.Parse(File.ReadAllText(path).Trim());
        cachedWireGuardKey = key;
        return key;
    }

    /// <summary>Creates a new P-256 TLS key (0600) and returns it; the previous one is replaced only on success of the caller.</summary>
    public static ECDsa NewTlsKey() => ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public void SaveTlsKey(ECDsa key) => StateDirectory.WriteSecret(Path.Combine(stateDirectory, TlsKeyFile), key.ExportPkcs8PrivateKeyPem());

    /// <summary>
    /// Replaces key and certificate after a renewal so that an interruption at any point leaves a matching pair: the
    /// new key goes to <see cref="PendingTlsKeyFile"/> first, then the certificate, then the key takes its place. Until
    /// that last step <see cref="LoadTlsKey"/> picks whichever key matches the stored certificate.
    /// </summary>
    public void SaveRenewedIdentity(ECDsa key, IReadOnlyList<string> chainPem)
    {
        var pending = Path.Combine(stateDirectory, PendingTlsKeyFile);
        StateDirectory.WriteSecret(pending, key.ExportPkcs8PrivateKeyPem());
        SaveCertificateChain(chainPem);
        File.Move(pending, Path.Combine(stateDirectory, TlsKeyFile), overwrite: true);
    }

    /// <summary>The TLS key that belongs to the stored certificate (see <see cref="SaveRenewedIdentity"/>).</summary>
    public ECDsa? LoadTlsKey()
    {
        var path = Path.Combine(stateDirectory, TlsKeyFile);
        var pending = Path.Combine(stateDirectory, PendingTlsKeyFile);
        if (File.Exists(pending))
        {
            // A renewal stopped between writing the new certificate and moving its key into place, or before it wrote
            // the certificate at all: the pending key is the right one only if the certificate names it.
            var candidate = ReadKey(pending);
            using var leaf = LoadLeafCertificate();
            using var certified = leaf?.GetECDsaPublicKey();
            if (certified is not null && certified.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(candidate.ExportSubjectPublicKeyInfo()))
            {
                return candidate;
            }

            candidate.Dispose();
        }

        return File.Exists(path) ? ReadKey(path) : null;
    }

    private static ECDsa ReadKey(string path)
    {
        var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(path));
        return key;
    }

    public void SaveCertificateChain(IReadOnlyList<string> chainPem) =>
        StateDirectory.WriteSecret(Path.Combine(stateDirectory, CertificateFile), string.Join("\n", chainPem.Select(p => p.Trim())) + "\n");

    /// <summary>The node's current leaf certificate (no key), for status; null before enrollment.</summary>
    public X509Certificate2? LoadLeafCertificate()
    {
        var certPath = Path.Combine(stateDirectory, CertificateFile);
        if (!File.Exists(certPath))
        {
            return null;
        }

        var chain = new X509Certificate2Collection();
        chain.ImportFromPem(File.ReadAllText(certPath));
        for (var i = 1; i < chain.Count; i++)
        {
            chain[i].Dispose();
        }

        return chain.Count == 0 ? null : chain[0];
    }

    /// <summary>A renewal succeeded: remembered for status, and any earlier failure is cleared.</summary>
    public void RecordRenewed(DateTimeOffset at)
    {
        store.SetSetting(SettingKeys.LastRenewedAt, ControlPlaneClient.Iso(at));
        store.SetSetting(SettingKeys.RenewalError, null);
        store.SetSetting(SettingKeys.RenewalErrorAt, null);
    }

    /// <summary>A renewal failed: the reason is kept until one succeeds, so <c>cloudwg-agent status</c> can show it.</summary>
    public void RecordRenewalFailed(DateTimeOffset at, string error)
    {
        store.SetSetting(SettingKeys.RenewalError, error);
        store.SetSetting(SettingKeys.RenewalErrorAt, ControlPlaneClient.Iso(at));
    }

    /// <summary>
    /// What the control plane said of this node's clock in its last answer to a signed request: the skew in seconds
    /// (node ahead when positive), or null when it reported none. Kept for <c>cloudwg-agent status</c>.
    /// </summary>
    public void RecordClockSkew(long? seconds, DateTimeOffset at)
    {
        var value = seconds?.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (store.GetSetting(SettingKeys.ClockSkewSeconds) != value)
        {
            store.SetSetting(SettingKeys.ClockSkewSeconds, value);
            store.SetSetting(SettingKeys.ClockSkewAt, seconds is null ? null : ControlPlaneClient.Iso(at));
        }
    }

    /// <summary>The last clock skew the control plane reported (<see cref="RecordClockSkew"/>).</summary>
    public (long? Seconds, DateTimeOffset? At) GetClockSkew() =>
        (store.GetSetting(SettingKeys.ClockSkewSeconds) is { } s ? long.Parse(s, System.Globalization.CultureInfo.InvariantCulture) : null, Time(SettingKeys.ClockSkewAt));

    /// <summary>The pull fallback's outcome: null clears an earlier failure; a reason is kept until the next success.</summary>
    public void RecordPull(DateTimeOffset at, string? error)
    {
        if (store.GetSetting(SettingKeys.PullError) != error)
        {
            store.SetSetting(SettingKeys.PullError, error);
            store.SetSetting(SettingKeys.PullErrorAt, error is null ? null : ControlPlaneClient.Iso(at));
        }
    }

    /// <summary>The pull fallback's current failure, if any (<see cref="RecordPull"/>).</summary>
    public (string? Error, DateTimeOffset? At) GetPullState() => (store.GetSetting(SettingKeys.PullError), Time(SettingKeys.PullErrorAt));

    /// <summary>When the last renewal succeeded, and the failure since then, if any.</summary>
    public (DateTimeOffset? LastRenewedAt, string? Error, DateTimeOffset? ErrorAt) GetRenewalState() =>
        (Time(SettingKeys.LastRenewedAt), store.GetSetting(SettingKeys.RenewalError), Time(SettingKeys.RenewalErrorAt));

    private DateTimeOffset? Time(string key) =>
        store.GetSetting(key) is { } text ? DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture) : null;

    /// <summary>The node's leaf certificate with its private key (a matching pair); null before enrollment.</summary>
    public X509Certificate2? LoadClientCertificate()
    {
        var certPath = Path.Combine(stateDirectory, CertificateFile);
        using var key = LoadTlsKey();
        if (key is null || !File.Exists(certPath))
        {
            return null;
        }

        var chain = new X509Certificate2Collection();
        chain.ImportFromPem(File.ReadAllText(certPath));
        if (chain.Count == 0)
        {
            return null;
        }

        using var leaf = chain[0];
        using var withKey = leaf.CopyWithPrivateKey(key);
        // A PKCS#12 round-trip gives SslStream a certificate whose key it can use on every platform.
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>A PKCS#10 request in PEM for <paramref name="key"/>, naming the host.</summary>
    public static string CreateCsr(ECDsa key, string hostname)
    {
        var request = new CertificateRequest($"CN={hostname}", key, HashAlgorithmName.SHA256);
        return request.CreateSigningRequestPem();
    }
}

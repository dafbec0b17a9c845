using System.Security.Cryptography;
using System.Text;
using CloudWg.Protocol.Acceptance;
using CloudWg.Protocol.DesiredStates;
using CloudWg.Protocol.Json;
using CloudWg.Protocol.Jws;
using CloudWg.Protocol.Messages;
using static CloudWg.Protocol.Tests.Jws.JwsTestKit;

namespace CloudWg.Protocol.Tests.Acceptance;

/// <summary>The agent's bad-input categories, end to end through the pure gate: one case each.</summary>
public sealed class DesiredStateIntakeTests : IDisposable
{
    private const string Me = "node-fra-1";
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly JwsVerifier _verifier;

    public DesiredStateIntakeTests() => _verifier = new JwsVerifier(TrustBundle.FromKeys(Jwk.FromECDsa(_key, "ctl-1")));

    public void Dispose() => _key.Dispose();

    private string Sign(DesiredState state) => SignBytes(Encoding.UTF8.GetString(CanonicalJson.Serialize(state)));

    private string SignBytes(string payload, string typ = JwsTypes.DesiredState) => SignRaw(_key, Header("ctl-1", typ), payload);

    private IntakeResult Evaluate(string compact, long? last = 41, string? sha = null) =>
        DesiredStateIntake.Evaluate(_verifier, compact, Me, last, sha);

    [Fact]
    public void A_newer_valid_document_is_applied_with_its_exact_signed_bytes()
    {
        var state = TestData.Golden();

        var result = Evaluate(Sign(state), sha: ContentHash.Sha256Hex(CanonicalJson.Serialize(state)));

        Assert.True(result.ShouldApply, result.Detail);
        Assert.Equal(CanonicalJson.Serialize(state), result.Payload);
        Assert.Equal(42, result.State.Version);
    }

    [Fact]
    public void The_same_version_is_a_no_op()
    {
        var result = Evaluate(Sign(TestData.Golden()), last: 42);

        Assert.Equal(AcceptanceOutcome.NoOp, result.Outcome);
        Assert.Null(result.RejectionKey);
    }

    [Fact]
    public void Older_version_is_rejected() =>
        Assert.Equal("olderVersion", Evaluate(Sign(TestData.Golden()), last: 43).RejectionKey);

    [Fact]
    public void Foreign_node_is_rejected() =>
        Assert.Equal("otherNode", Evaluate(Sign(TestData.Golden() with { NodeId = "node-ams-1" })).RejectionKey);

    [Fact]
    public void Tampered_is_rejected()
    {
        var compact = Sign(TestData.Golden());
        var parts = compact.Split('.');
        var payload = Encoding.UTF8.GetString(Base64UrlStrict.TryDecode(parts[1], out var bytes) ? bytes : []);
        var forged = B64(payload.Replace("\"version\":42", "\"version\":99", StringComparison.Ordinal));

        Assert.Equal("jwsBadSignature", Evaluate($"{parts[0]}.{forged}.{parts[2]}").RejectionKey);
    }

    [Fact]
    public void Unsigned_is_rejected() =>
        Assert.Equal("jwsAlgorithmNotAllowed", Evaluate(B64(Header("ctl-1", alg: "none")) + "." + B64(Encoding.UTF8.GetString(CanonicalJson.Serialize(TestData.Golden()))) + ".").RejectionKey);

    [Fact]
    public void Wrongly_signed_is_rejected()
    {
        using var attacker = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        Assert.Equal("jwsBadSignature", Evaluate(SignRaw(attacker, Header("ctl-1"), Encoding.UTF8.GetString(CanonicalJson.Serialize(TestData.Golden())))).RejectionKey);
        Assert.Equal("jwsUnknownKeyId", Evaluate(SignRaw(attacker, Header("attacker"), "{}")).RejectionKey);
    }

    [Fact]
    public void Malformed_is_rejected()
    {
        Assert.Equal("jwsMalformed", Evaluate("x.y!.z").RejectionKey);
        Assert.Equal("jwsWrongSegmentCount", Evaluate("not a jws at all").RejectionKey);
        Assert.Equal("jsonMalformed", Evaluate(SignBytes("[1,2,3]")).RejectionKey);
        Assert.Equal("jsonMissingMember", Evaluate(SignBytes("{\"schema\":1}")).RejectionKey);
        Assert.Equal("jsonUnknownMember", Evaluate(SignBytes(Encoding.UTF8.GetString(CanonicalJson.Serialize(TestData.Golden())).Replace("{\"firewall\"", "{\"extra\":1,\"firewall\"", StringComparison.Ordinal))).RejectionKey);
    }

    [Fact]
    public void Oversized_is_rejected()
    {
        var small = new JwsVerifier(TrustBundle.FromKeys(Jwk.FromECDsa(_key, "ctl-1")), maxLength: 1000);

        Assert.Equal("jwsOversized", DesiredStateIntake.Evaluate(small, Sign(TestData.Golden()), Me, null).RejectionKey);
    }

    [Fact]
    public void Duplicate_members_are_rejected() =>
        Assert.Equal("jwsDuplicateMemberNames", Evaluate(SignBytes("{\"nodeId\":\"node-fra-1\",\"nodeId\":\"node-ams-1\"}")).RejectionKey);

    [Fact]
    public void Unknown_schema_is_rejected() =>
        Assert.Equal("unknownSchema", Evaluate(SignBytes("{\"schema\":2,\"nodeId\":\"node-fra-1\",\"version\":99,\"teleport\":true}")).RejectionKey);

    [Fact]
    public void Report_presented_as_desired_state_is_rejected()
    {
        var report = SignBytes(Encoding.UTF8.GetString(CanonicalJson.Serialize(TestData.Golden())), JwsTypes.Report);

        Assert.Equal("jwsWrongType", Evaluate(report).RejectionKey);
    }

    [Fact]
    public void Hash_mismatch_with_the_notification_is_rejected() =>
        Assert.Equal(RejectionCounters.HashMismatch, Evaluate(Sign(TestData.Golden()), sha: new string('0', 64)).RejectionKey);

    [Fact]
    public void Signed_but_invalid_is_rejected_with_the_validator_errors()
    {
        var result = Evaluate(Sign(TestData.Golden() with { WireGuard = TestData.Golden().WireGuard with { Mtu = 100 } }));

        Assert.Equal(RejectionCounters.InvalidDocument, result.RejectionKey);
        Assert.Equal("wireguard.mtu", Assert.Single(result.Errors).Path);
        Assert.Null(result.State);
    }

    [Fact]
    public void Every_rejection_key_is_a_valid_counter_name()
    {
        var keys = new[]
        {
            Evaluate("a").RejectionKey, Evaluate(Sign(TestData.Golden()), last: 50).RejectionKey,
            Evaluate(SignBytes("{\"schema\":3}")).RejectionKey, Evaluate(SignBytes("{\"a\":1.5}")).RejectionKey,
        };

        var counters = keys.Aggregate(RejectionCounters.None, (c, k) => c.Increment(k!));

        Assert.Empty(counters.Validate());
        Assert.Equal(4, counters.Total());
    }
}

using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CloudWg.Protocol.DesiredStates;
using CloudWg.Protocol.Json;
using CloudWg.Protocol.Jws;
using CloudWg.Protocol.Messages;

namespace CloudWg.Protocol.Tests.Json;

public sealed class CanonicalJsonTests
{
    private static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);

    [Fact]
    public void Members_are_sorted_ordinally_without_whitespace_and_nulls_are_omitted()
    {
        var peer = new PeerSpec(TestData.Key(1), null, ["10.44.0.2/32"], null);

        var json = Text(CanonicalJson.Serialize(peer));

        Assert.Equal("{\"allowedIps\":[\"10.44.0.2/32\"],\"publicKey\":\"AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=\"}", json);
    }

    [Fact]
    public void Date_times_are_utc_with_seven_fraction_digits_and_z()
    {
        var state = TestData.Golden() with { IssuedAt = new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.FromHours(-5)) };

        var json = Text(CanonicalJson.Serialize(state));

        Assert.Contains("\"issuedAt\":\"2030-01-02T08:04:05.0000000Z\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Same_instant_in_different_offsets_gives_the_same_bytes()
    {
        var utc = TestData.Golden() with { IssuedAt = new DateTimeOffset(2030, 1, 2, 8, 4, 5, TimeSpan.Zero) };
        var local = utc with { IssuedAt = utc.IssuedAt.ToOffset(TimeSpan.FromHours(9)) };

        Assert.Equal(CanonicalJson.Serialize(utc), CanonicalJson.Serialize(local));
    }

    [Fact]
    public void Enums_are_written_as_their_wire_names()
    {
        var json = Text(CanonicalJson.Serialize(TestData.Golden()));

        Assert.Contains("\"policies\":{\"egress\":\"accept\",\"forward\":\"drop\",\"input\":\"drop\"}", json, StringComparison.Ordinal);
        Assert.Contains("\"proxyProtocol\":\"v2\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_quote_backslash_and_control_characters_are_escaped_with_short_forms_and_lower_case_hex()
    {
        var value = "\u0000\u0001\u001f\b\t\n\f\r\"\\/\u007f<>&'+é\u2028😀";

        var bytes = CanonicalJson.EncodeString(value);

        Assert.Equal("\"\\u0000\\u0001\\u001f\\b\\t\\n\\f\\r\\\"\\\\/\u007f<>&'+é\u2028😀\"", Text(bytes));
    }

    [Fact]
    public void A_lone_surrogate_cannot_be_encoded()
    {
        Assert.Throws<ArgumentException>(() => CanonicalJson.EncodeString("a\uD800b"));
        Assert.Throws<ArgumentException>(() => CanonicalJson.EncodeString("\uDC00"));
    }

    [Fact]
    public void A_model_holding_a_lone_surrogate_cannot_be_serialized()
    {
        var state = TestData.Golden() with { NodeId = "node\uD83D" };

        Assert.ThrowsAny<ArgumentException>(() => CanonicalJson.Serialize(state));
    }

    [Fact]
    public void Canonicalize_sorts_members_removes_whitespace_and_unescapes_what_needs_no_escape()
    {
        var input = "{ \"b\" : [1, true, null, {\"z\":1,\"a\":\"\\u00e9\\/\\u001F\"}], \"a\": -0, \"A\": 9223372036854775807 }"u8;

        var canonical = Text(CanonicalJson.Canonicalize(input));

        Assert.Equal("{\"A\":9223372036854775807,\"a\":0,\"b\":[1,true,null,{\"a\":\"é/\\u001f\",\"z\":1}]}", canonical);
    }

    [Fact]
    public void Canonicalize_orders_by_utf16_code_units_like_rfc8785()
    {
        // RFC 8785 §3.2.3: "\u20ac" (€) sorts before "\ud83d\ude00" (😀) by UTF-16 code units, though not by code point.
        var input = Encoding.UTF8.GetBytes("{\"😀\":1,\"€\":2,\"\\r\":3,\"1\":4,\"ö\":5}");

        var canonical = Text(CanonicalJson.Canonicalize(input));

        Assert.Equal("{\"\\r\":3,\"1\":4,\"ö\":5,\"€\":2,\"😀\":1}", canonical);
    }

    [Theory]
    [InlineData("{\"a\":1,\"a\":2}", ProtocolJsonError.DuplicateMemberNames)]
    [InlineData("{\"a\":{\"b\":1,\"\\u0062\":2}}", ProtocolJsonError.DuplicateMemberNames)]
    [InlineData("{\"a\":1.5}", ProtocolJsonError.UnsupportedNumber)]
    [InlineData("{\"a\":1e3}", ProtocolJsonError.UnsupportedNumber)]
    [InlineData("{\"a\":18446744073709551616}", ProtocolJsonError.UnsupportedNumber)]
    [InlineData("{\"a\":1} x", ProtocolJsonError.Malformed)]
    [InlineData("{\"a\":1,}", ProtocolJsonError.Malformed)]
    [InlineData("{\"a\":1 /* c */}", ProtocolJsonError.Malformed)]
    [InlineData("{\"a\":\"\\ud800\"}", ProtocolJsonError.Malformed)]
    [InlineData("", ProtocolJsonError.Malformed)]
    public void Canonicalize_rejects(string json, ProtocolJsonError expected)
    {
        var e = Assert.Throws<ProtocolJsonException>(() => CanonicalJson.Canonicalize(Encoding.UTF8.GetBytes(json)));

        Assert.Equal(expected, e.Error);
    }

    [Fact]
    public void Canonicalize_rejects_invalid_utf8()
    {
        var e = Assert.Throws<ProtocolJsonException>(() => CanonicalJson.Canonicalize([(byte)'"', 0xC3, 0x28, (byte)'"']));

        Assert.Equal(ProtocolJsonError.Malformed, e.Error);
    }

    [Fact]
    public void Canonicalize_rejects_excessive_nesting()
    {
        var deep = new string('[', CanonicalJson.MaxDepth + 1) + new string(']', CanonicalJson.MaxDepth + 1);

        var e = Assert.Throws<ProtocolJsonException>(() => CanonicalJson.Canonicalize(Encoding.UTF8.GetBytes(deep)));

        Assert.Equal(ProtocolJsonError.Malformed, e.Error);
    }

    [Fact]
    public void IsCanonical_is_true_only_for_canonical_text()
    {
        Assert.True(CanonicalJson.IsCanonical("{\"a\":1,\"b\":[]}"u8));
        Assert.False(CanonicalJson.IsCanonical("{\"b\":[],\"a\":1}"u8));
        Assert.False(CanonicalJson.IsCanonical("{\"a\": 1}"u8));
        Assert.False(CanonicalJson.IsCanonical("{\"a\":\"\\u00e9\"}"u8));
        Assert.False(CanonicalJson.IsCanonical("{"u8));
    }

    [Fact]
    public void Generic_serialize_refuses_types_outside_the_protocol_context()
    {
        Assert.Throws<NotSupportedException>(() => CanonicalJson.Serialize(new Uri("https://example.com")));
    }

    [Fact]
    public void Every_wire_message_round_trips_through_canonical_bytes()
    {
        var grant = new SasGrant("https://acct.queue.core.windows.net/node-1?sv=2025&sig=abc", TestData.IssuedAt);
        var bundle = TrustBundle.FromKeys(new Jwk("EC", "P-256", "x", "y", "k1"));
        AssertRoundTrip(new QueueNotification("node-1", 7, new string('a', 64), null));
        AssertRoundTrip(new QueueNotification("node-1", 7, new string('a', 64), "a.b.c"));
        AssertRoundTrip(new EnrollmentRequest("tok", "csr", TestData.Key(1), "vps-1", "1.0.0"));
        AssertRoundTrip(new EnrollmentResponse("node-1", ["pem1", "pem2"], bundle, grant, grant, grant, TestData.IssuedAt));
        AssertRoundTrip(new RenewalRequest("csr"));
        AssertRoundTrip(new RenewalResponse(["pem"], grant, grant, grant, TestData.IssuedAt));
        AssertRoundTrip(new RenewalResponse(["pem"], grant, grant, grant, TestData.IssuedAt, bundle));
        AssertRoundTrip(new NodeReport("node-1", 3, TestData.IssuedAt, 42, ReconcileOutcomes.Applied, null,
            [new PeerStats(TestData.Key(1), TestData.IssuedAt, 10, 20, "203.0.113.5:51820"), new PeerStats(TestData.Key(2), null, 0, 0, null)],
            "1.0.0", RejectionCounters.None.Increment("jwsBadSignature").Increment("otherNode")));
        AssertRoundTrip(new JwsHeader("ES256", "k", "t"));
        AssertRoundTrip(bundle with { RootCertificatesPem = ["pem"] });
    }

    [Fact]
    public void Enrollment_request_uses_the_documented_member_names()
    {
        var json = Text(CanonicalJson.Serialize(new EnrollmentRequest("tok", "csr", "key", "host", "1.0")));

        Assert.Equal("{\"agentVersion\":\"1.0\",\"csr\":\"csr\",\"hostname\":\"host\",\"token\":\"tok\",\"wireguardPublicKey\":\"key\"}", json);
    }

    [Fact]
    public void Node_report_rejection_counters_are_a_sorted_object()
    {
        var report = new NodeReport("n", 1, TestData.IssuedAt, null, ReconcileOutcomes.Pending, null, [], "1",
            new RejectionCounters(new Dictionary<string, long> { ["zeta"] = 1, ["alpha"] = 2 }));

        var json = Text(CanonicalJson.Serialize(report));

        Assert.Contains("\"rejections\":{\"counts\":{\"alpha\":2,\"zeta\":1}}", json, StringComparison.Ordinal);
        Assert.DoesNotContain("appliedVersion", json, StringComparison.Ordinal);
    }

    private static void AssertRoundTrip<T>(T value)
    {
        var bytes = CanonicalJson.Serialize(value);
        var back = CanonicalJson.Deserialize<T>(bytes);
        Assert.Equal(Text(bytes), Text(CanonicalJson.Serialize(back)));
        Assert.True(CanonicalJson.IsCanonical(bytes));
    }

    internal static byte[] Indented(byte[] canonical, bool reverseMembers)
    {
        var node = JsonNode.Parse(canonical)!;
        if (reverseMembers)
        {
            node = Reverse(node);
        }

        return Encoding.UTF8.GetBytes(node.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    private static JsonNode Reverse(JsonNode node) => node switch
    {
        JsonObject o => new JsonObject(o.Reverse().Select(p => KeyValuePair.Create(p.Key, p.Value is null ? null : Reverse(p.Value.DeepClone())))),
        JsonArray a => new JsonArray(a.Select(i => i is null ? null : Reverse(i.DeepClone())).ToArray()),
        _ => node.DeepClone(),
    };
}

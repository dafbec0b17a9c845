using System.Text;
using CloudWg.Protocol.Json;
using CloudWg.Protocol.Messages;

namespace CloudWg.Protocol.Tests.Json;

public sealed class DeserializeTests
{
    private static string Golden => Encoding.UTF8.GetString(CanonicalJson.Serialize(TestData.Golden()));

    private static ProtocolJsonError Reject(string json) =>
        Assert.Throws<ProtocolJsonException>(() => CanonicalJson.Deserialize(Encoding.UTF8.GetBytes(json))).Error;

    [Fact]
    public void Reads_a_canonical_document()
    {
        var state = CanonicalJson.Deserialize(Encoding.UTF8.GetBytes(Golden));

        Assert.Equal("node-fra-1", state.NodeId);
        Assert.Equal(2, state.WireGuard.Peers.Count);
        Assert.Null(state.WireGuard.Peers[0].PresharedKey);
        Assert.Equal(25, state.WireGuard.Peers[0].Keepalive);
    }

    [Fact]
    public void Reads_non_canonical_but_equivalent_text_to_the_same_model()
    {
        var indented = CanonicalJsonTests.Indented(Encoding.UTF8.GetBytes(Golden), reverseMembers: true);

        var state = CanonicalJson.Deserialize(indented);

        Assert.Equal(Golden, Encoding.UTF8.GetString(CanonicalJson.Serialize(state)));
    }

    [Fact]
    public void Rejects_a_duplicate_top_level_member()
    {
        Assert.Equal(ProtocolJsonError.DuplicateMemberNames, Reject(Golden.Replace("\"version\":42", "\"version\":42,\"version\":43", StringComparison.Ordinal)));
    }

    [Fact]
    public void Rejects_a_duplicate_nested_member_even_when_spelled_with_an_escape()
    {
        Assert.Equal(ProtocolJsonError.DuplicateMemberNames, Reject(Golden.Replace("\"mtu\":1420", "\"mtu\":1420,\"\\u006dtu\":1280", StringComparison.Ordinal)));
    }

    [Fact]
    public void Rejects_an_unknown_member()
    {
        Assert.Equal(ProtocolJsonError.UnknownMember, Reject(Golden.Replace("\"mtu\":1420", "\"mtu\":1420,\"privateKey\":\"x\"", StringComparison.Ordinal)));
    }

    [Fact]
    public void Rejects_a_member_in_the_wrong_case()
    {
        Assert.Equal(ProtocolJsonError.UnknownMember, Reject(Golden.Replace("\"mtu\":", "\"MTU\":", StringComparison.Ordinal)));
    }

    [Fact]
    public void Rejects_a_missing_required_member()
    {
        Assert.Equal(ProtocolJsonError.MissingMember, Reject(Golden.Replace("\"nodeId\":\"node-fra-1\",", string.Empty, StringComparison.Ordinal)));
    }

    [Fact]
    public void Rejects_null_for_a_required_member()
    {
        Assert.Equal(ProtocolJsonError.MissingMember, Reject(Golden.Replace("\"nodeId\":\"node-fra-1\"", "\"nodeId\":null", StringComparison.Ordinal)));
    }

    [Fact]
    public void Rejects_a_null_array_element()
    {
        Assert.Equal(ProtocolJsonError.MissingMember, Reject(Golden.Replace("\"sni\":[\"git.example.org\"]", "\"sni\":[null]", StringComparison.Ordinal)));
    }

    [Fact]
    public void Accepts_an_explicit_null_for_an_optional_member()
    {
        var state = CanonicalJson.Deserialize(Encoding.UTF8.GetBytes(Golden.Replace("\"keepalive\":25", "\"keepalive\":null", StringComparison.Ordinal)));

        Assert.Null(state.WireGuard.Peers[0].Keepalive);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(0)]
    [InlineData(-1)]
    public void Rejects_an_unknown_schema_before_looking_at_anything_else(int schema)
    {
        var future = Golden.Replace("\"schema\":1", $"\"schema\":{schema},\"somethingNew\":true", StringComparison.Ordinal);

        Assert.Equal(ProtocolJsonError.UnknownSchema, Reject(future));
    }

    [Theory]
    [InlineData("\"action\":\"accept\"", "\"action\":1")]
    [InlineData("\"action\":\"accept\"", "\"action\":\"Accept\"")]
    [InlineData("\"action\":\"accept\"", "\"action\":\"allow\"")]
    [InlineData("\"version\":42", "\"version\":\"42\"")]
    [InlineData("\"version\":42", "\"version\":42.0")]
    [InlineData("\"mtu\":1420", "\"mtu\":99999999999")]
    [InlineData("\"issuedAt\":\"2026-11-23T18:52:07.1234567Z\"", "\"issuedAt\":\"2026-11-23T18:52:07\"")]
    [InlineData("\"issuedAt\":\"2026-11-23T18:52:07.1234567Z\"", "\"issuedAt\":\"yesterday\"")]
    [InlineData("\"issuedAt\":\"2026-11-23T18:52:07.1234567Z\"", "\"issuedAt\":1764000000")]
    [InlineData("{", "[")]
    public void Rejects_wrong_value_types_as_malformed(string from, string to)
    {
        var json = Golden;
        var index = json.IndexOf(from, StringComparison.Ordinal);
        Assert.True(index >= 0);

        Assert.Equal(ProtocolJsonError.Malformed, Reject(json[..index] + to + json[(index + from.Length)..]));
    }

    [Fact]
    public void Accepts_an_explicit_offset_and_normalizes_it_to_utc()
    {
        var json = Golden.Replace("2026-11-23T18:52:07.1234567Z", "2026-11-23T19:52:07.1234567+01:00", StringComparison.Ordinal);

        var state = CanonicalJson.Deserialize(Encoding.UTF8.GetBytes(json));

        Assert.Equal(TimeSpan.Zero, state.IssuedAt.Offset);
        Assert.Equal(Golden, Encoding.UTF8.GetString(CanonicalJson.Serialize(state)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("{}")]
    [InlineData("[]")]
    [InlineData("\"x\"")]
    public void Rejects_documents_that_are_not_a_desired_state(string json)
    {
        Assert.ThrowsAny<ProtocolJsonException>(() => CanonicalJson.Deserialize(Encoding.UTF8.GetBytes(json)));
    }

    [Fact]
    public void Other_messages_are_read_just_as_strictly()
    {
        var e = Assert.Throws<ProtocolJsonException>(() =>
            CanonicalJson.Deserialize<QueueNotification>("{\"jws\":null,\"nodeId\":\"n\",\"sha256\":\"x\",\"version\":1,\"version\":2}"u8));

        Assert.Equal(ProtocolJsonError.DuplicateMemberNames, e.Error);
        Assert.Equal(ProtocolJsonError.UnknownMember,
            Assert.Throws<ProtocolJsonException>(() => CanonicalJson.Deserialize<RenewalRequest>("{\"csr\":\"x\",\"admin\":true}"u8)).Error);
        Assert.Equal(ProtocolJsonError.MissingMember,
            Assert.Throws<ProtocolJsonException>(() => CanonicalJson.Deserialize<RenewalRequest>("{}"u8)).Error);
    }
}

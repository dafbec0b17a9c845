using System.Text;
using System.Text.Json;
using CloudWg.Protocol.Json;
using CsCheck;

namespace CloudWg.Protocol.Tests.Json;

public sealed class CanonicalJsonPropertyTests
{
    [Fact]
    public void Model_to_bytes_to_model_to_bytes_is_stable()
    {
        Generators.State.Sample(state =>
        {
            var first = CanonicalJson.Serialize(state);
            var second = CanonicalJson.Serialize(CanonicalJson.Deserialize(first));
            Assert.Equal(first, second);
        }, iter: 300);
    }

    [Fact]
    public void Canonical_bytes_do_not_depend_on_how_the_input_was_formatted_ordered_or_escaped()
    {
        Generators.State.Sample(state =>
        {
            var canonical = CanonicalJson.Serialize(state);
            var reformatted = CanonicalJsonTests.Indented(canonical, reverseMembers: true);
            Assert.Equal(canonical, CanonicalJson.Canonicalize(reformatted));
            Assert.Equal(canonical, CanonicalJson.Serialize(CanonicalJson.Deserialize(reformatted)));
        }, iter: 200);
    }

    [Fact]
    public void Strings_escape_exactly_like_the_reference_rules_and_read_back_unchanged()
    {
        Generators.Text.Sample(text =>
        {
            var encoded = CanonicalJson.EncodeString(text);
            Assert.Equal(Reference(text), Encoding.UTF8.GetString(encoded));
            Assert.DoesNotContain(encoded, b => b < 0x20);
            using var document = JsonDocument.Parse(encoded);
            Assert.Equal(text, document.RootElement.GetString());
        }, iter: 2000);
    }

    [Fact]
    public void Canonicalize_is_idempotent_on_arbitrary_canonical_output()
    {
        Generators.State.Sample(state =>
        {
            var canonical = CanonicalJson.Serialize(state);
            Assert.Equal(canonical, CanonicalJson.Canonicalize(canonical));
            Assert.True(CanonicalJson.IsCanonical(canonical));
        }, iter: 200);
    }

    /// <summary>RFC 8785 §3.2.2.2, written independently of the implementation.</summary>
    private static string Reference(string text)
    {
        var builder = new StringBuilder("\"");
        foreach (var c in text)
        {
            builder.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\b' => "\\b",
                '\f' => "\\f",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                < ' ' => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }

        return builder.Append('"').ToString();
    }
}

using System.Text;

namespace CloudWg.Protocol.HttpSignatures;

/// <summary>
/// The signature base of RFC 9421 §2.5: one line <c>"id": value</c> per covered component, in the order covered,
/// then <c>"@signature-params"</c> with the serialized inner list of component ids and parameters. No trailing newline.
/// </summary>
public static class SignatureBase
{
    /// <summary>The base for <paramref name="components"/> (id and canonical value) and <paramref name="parameters"/>.</summary>
    /// <exception cref="ArgumentException">A value holds a newline (RFC 9421 forbids it).</exception>
    public static string Create(IReadOnlyList<KeyValuePair<string, string>> components, SfParameters parameters)
    {
        var sb = new StringBuilder();
        foreach (var (id, value) in components)
        {
            if (value.Contains('\n', StringComparison.Ordinal) || value.Contains('\r', StringComparison.Ordinal))
            {
                throw new ArgumentException($"Component {id} has a newline in its value.", nameof(components));
            }

            sb.Append(StructuredFields.SerializeString(id)).Append(": ").Append(value).Append('\n');
        }

        return sb.Append("\"@signature-params\": ").Append(SignatureParams(components.Select(c => c.Key), parameters)).ToString();
    }

    /// <summary>The <c>@signature-params</c> value, which is also the member value of <c>Signature-Input</c>.</summary>
    public static string SignatureParams(IEnumerable<string> componentIds, SfParameters parameters) =>
        StructuredFields.SerializeInnerList(componentIds, parameters);

    /// <summary>
    /// A header field's canonical value (RFC 9421 §2.1): the field lines' values, each stripped of leading and
    /// trailing whitespace, joined with <c>", "</c>; null when the field is absent.
    /// </summary>
    public static string? FieldValue(IEnumerable<string>? lines)
    {
        var values = lines?.Select(l => l.Trim(' ', '\t')).ToList();
        return values is null || values.Count == 0 ? null : string.Join(", ", values);
    }
}

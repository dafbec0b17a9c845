namespace CloudWg.Protocol.HttpSignatures;

/// <summary>A dictionary member: an item (<see cref="Value"/>) or an inner list (<see cref="Items"/>), with parameters.</summary>
public sealed record SfMember(object? Value, IReadOnlyList<SfItem>? Items, SfParameters Parameters);

/// <summary>An item of an inner list.</summary>
public sealed record SfItem(object Value, SfParameters Parameters);

/// <summary>An sf-token (unquoted), kept apart from an sf-string so that it serializes back the same.</summary>
public readonly record struct SfToken(string Value);

/// <summary>Parameters in the order they were given (RFC 8941: a repeated key keeps its place and takes the last value).</summary>
public sealed class SfParameters : List<KeyValuePair<string, object>>
{
    public object? this[string key] => Find(key) is { } i ? this[i].Value : null;

    public void Set(string key, object value)
    {
        if (Find(key) is { } i)
        {
            this[i] = new(key, value);
        }
        else
        {
            Add(new(key, value));
        }
    }

    private int? Find(string key)
    {
        for (var i = 0; i < Count; i++)
        {
            if (this[i].Key == key)
            {
                return i;
            }
        }

        return null;
    }
}

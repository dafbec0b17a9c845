using System.Globalization;
using System.Text.Json;

namespace CloudWg.Functions.Validation;

/// <summary>
/// Reads the members of a JSON request object one by one and collects every problem under the member's JSON
/// path (<c>sni[1]</c>, <c>firewallPolicy.input</c>), so a client learns about all bad fields at once. A getter
/// returns null when the member is absent, null or invalid; <see cref="IsPresent"/> and <see cref="IsNull"/>
/// tell those apart for PATCH. Unknown and repeated members are errors too: a typo must not be silently ignored.
/// </summary>
public sealed class FieldReader
{
    private readonly Dictionary<string, JsonElement> members = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> errors = new(StringComparer.Ordinal);
    private readonly HashSet<string> read = new(StringComparer.Ordinal);
    private readonly string prefix;

    public FieldReader(JsonElement obj, string prefix = "")
        : this(obj, prefix, null)
    {
    }

    private FieldReader(JsonElement obj, string prefix, Dictionary<string, List<string>>? sharedErrors)
    {
        this.prefix = prefix;
        if (sharedErrors is not null)
        {
            errors = sharedErrors;
        }

        foreach (var property in obj.EnumerateObject())
        {
            string name;
            try
            {
                name = property.Name;
            }
            catch (InvalidOperationException)
            {
                Error("$", "a field name is not valid Unicode (unpaired surrogate escape).");
                continue;
            }

            if (!members.TryAdd(name, property.Value))
            {
                Error(name, "appears more than once; send each field once.");
            }
        }
    }

    public bool IsValid => errors.Count == 0;

    public IDictionary<string, string[]> Errors => errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);

    /// <summary>The member was sent (possibly as null).</summary>
    public bool IsPresent(string name)
    {
        read.Add(name);
        return members.ContainsKey(name);
    }

    /// <summary>The member was sent as JSON null.</summary>
    public bool IsNull(string name) => IsPresent(name) && members[name].ValueKind == JsonValueKind.Null;

    /// <summary>Records a problem for the member <paramref name="path"/> (relative to this reader).</summary>
    public void Error(string path, string message)
    {
        var full = Path(path);
        if (!errors.TryGetValue(full, out var list))
        {
            errors[full] = list = [];
        }

        list.Add(message);
    }

    /// <summary>A problem with an item of a list member: path <c>name[index]</c>.</summary>
    public void ItemError(string name, int index, string message) => Error($"{name}[{index.ToString(CultureInfo.InvariantCulture)}]", message);

    public string? String(string name, bool required = false, int maxLength = 256, Func<string, string?>? check = null)
    {
        if (!TryGet(name, required, JsonValueKind.String, "a string", out var value))
        {
            return null;
        }

        var text = TextOf(value);
        var problem = text is null ? InvalidUnicode : CheckString(text, maxLength, check);
        if (problem is not null)
        {
            Error(name, problem);
            return null;
        }

        return text;
    }

    public int? Int(string name, int min, int max, bool required = false)
    {
        if (!TryGet(name, required, JsonValueKind.Number, "a whole number", out var value))
        {
            return null;
        }

        if (!value.TryGetInt32(out var number) || number < min || number > max)
        {
            Error(name, $"must be a whole number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}.");
            return null;
        }

        return number;
    }

    public bool? Bool(string name, bool required = false)
    {
        if (!IsPresent(name) || members[name].ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                Error(name, "is required.");
            }

            return null;
        }

        var value = members[name];
        if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            Error(name, "must be true or false.");
            return null;
        }

        return value.GetBoolean();
    }

    public DateTimeOffset? DateTime(string name, bool required = false)
    {
        if (!TryGet(name, required, JsonValueKind.String, "a date-time string", out var value))
        {
            return null;
        }

        var text = TextOf(value) ?? "";
        var hasOffset = text.EndsWith('Z') || text.EndsWith('z') || (text.Length > 6 && text[^6] is '+' or '-' && text[^3] == ':');
        if (!hasOffset || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at))
        {
            Error(name, "must be an ISO-8601 date-time with Z or an offset, e.g. 2030-01-31T12:00:00Z.");
            return null;
        }

        return at.ToUniversalTime();
    }

    /// <summary>One of <paramref name="allowed"/> (exact, lower case).</summary>
    public T? Enum<T>(string name, IReadOnlyDictionary<string, T> allowed, bool required = false)
        where T : struct
    {
        var text = String(name, required, 32);
        if (text is null)
        {
            return null;
        }

        if (allowed.TryGetValue(text, out var value))
        {
            return value;
        }

        Error(name, "must be one of: " + string.Join(", ", allowed.Keys) + ".");
        return null;
    }

    /// <summary>A list of strings; each item is checked and reported as <c>name[i]</c>.</summary>
    public IReadOnlyList<string>? StringList(string name, int maxItems, Func<string, string?>? check = null, bool required = false, int maxLength = 256)
    {
        if (!TryGet(name, required, JsonValueKind.Array, "a list of strings", out var value))
        {
            return null;
        }

        var count = value.GetArrayLength();
        if (count > maxItems)
        {
            Error(name, $"may hold at most {maxItems.ToString(CultureInfo.InvariantCulture)} items.");
            return null;
        }

        var items = new List<string>(count);
        var ok = true;
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                ItemError(name, index, "must be a string.");
                ok = false;
            }
            else
            {
                var text = TextOf(item);
                var problem = text is null ? InvalidUnicode : CheckString(text, maxLength, check);
                if (problem is not null)
                {
                    ItemError(name, index, problem);
                    ok = false;
                }
                else
                {
                    items.Add(text!);
                }
            }

            index++;
        }

        return ok ? items : null;
    }

    /// <summary>A nested object read with its own reader whose paths start with <c>name.</c>.</summary>
    public FieldReader? Object(string name, bool required = false)
    {
        if (!TryGet(name, required, JsonValueKind.Object, "an object", out var value))
        {
            return null;
        }

        return new FieldReader(value, Path(name) + ".", errors);
    }

    /// <summary>Adds an error for every member no getter asked about.</summary>
    public void RejectUnknown()
    {
        foreach (var name in members.Keys.Where(n => !read.Contains(n)))
        {
            Error(name, "is not a field of this resource; check the spelling (fields are camelCase).");
        }
    }

    private bool TryGet(string name, bool required, JsonValueKind kind, string what, out JsonElement value)
    {
        value = default;
        if (!IsPresent(name) || members[name].ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                Error(name, "is required.");
            }

            return false;
        }

        value = members[name];
        if (value.ValueKind != kind)
        {
            Error(name, $"must be {what}.");
            return false;
        }

        return true;
    }

    private static string? CheckString(string text, int maxLength, Func<string, string?>? check)
    {
        if (text.Length > maxLength)
        {
            return $"must be at most {maxLength.ToString(CultureInfo.InvariantCulture)} characters.";
        }

        if (text.Any(char.IsControl) || !IsWellFormed(text))
        {
            return "must not contain control characters or unpaired surrogates.";
        }

        return check?.Invoke(text);
    }

    private const string InvalidUnicode = "must be valid Unicode (no unpaired surrogate escapes).";

    /// <summary>The string value, or null when its escapes do not form valid UTF-16 (GetString would throw).</summary>
    private static string? TextOf(JsonElement value)
    {
        try
        {
            return value.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static bool IsWellFormed(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }

        return true;
    }

    private string Path(string name) => prefix + name;
}

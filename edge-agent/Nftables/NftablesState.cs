using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CloudWg.EdgeAgent.Nftables;

/// <summary>
/// The <c>inet cloudwg</c> table reduced to a comparable form, built either from a batch we would apply or
/// from nft's JSON listing. Counters and handles are ignored; match values are compared as sets of intervals
/// (nft lists <c>{ 10.0.0.0/24, 10.0.1.0/24 }</c> back as <c>10.0.0.0/23</c>, a one-element set as a value,
/// <c>in</c> for a flag list, and so on), so only a real difference in behaviour counts as drift.
/// </summary>
internal sealed class NftablesState
{
    public Dictionary<string, string> Chains { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, string> Sets { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, List<NftablesRuleView>> Rules { get; } = new(StringComparer.Ordinal);

    /// <summary>The state a batch leaves behind (objects added after the last delete of the table).</summary>
    public static NftablesState FromBatch(JsonNode batch)
    {
        // Re-parse so every value is JSON-backed, as in a listing (an in-memory int is not readable as a long).
        batch = JsonNode.Parse(batch.ToJsonString())!;
        var state = new NftablesState();
        foreach (var command in Items(batch))
        {
            if (command?["delete"]?["table"] is JsonObject deleted && IsOurs(deleted, "name"))
            {
                state = new NftablesState();
            }
            else if (command?["add"] is JsonObject add)
            {
                state.Add(add);
            }
        }

        return state;
    }

    /// <summary>The state in a <c>list table inet cloudwg</c> JSON listing, or null when the listing has no such table.</summary>
    public static NftablesState? FromListing(JsonNode listing)
    {
        var state = new NftablesState();
        var found = false;
        foreach (var item in Items(listing))
        {
            if (item?["table"] is JsonObject table && IsOurs(table, "name"))
            {
                found = true;
            }
            else if (item is JsonObject obj)
            {
                state.Add(obj);
            }
        }

        return found ? state : null;
    }

    /// <summary>Lists every difference between this (desired) state and <paramref name="actual"/>.</summary>
    public List<string> Compare(NftablesState? actual)
    {
        var table = $"table {NftablesNames.Family} {NftablesNames.Table}";
        if (actual is null)
        {
            return [$"{table} is missing"];
        }

        var differences = new List<string>();
        CompareMap("chain", Chains, actual.Chains, differences);
        CompareMap("set", Sets, actual.Sets, differences);

        foreach (var chain in Rules.Keys.Union(actual.Rules.Keys).Order(StringComparer.Ordinal))
        {
            var want = Rules.GetValueOrDefault(chain) ?? [];
            var have = actual.Rules.GetValueOrDefault(chain) ?? [];
            if (want.Select(r => (r.Comment, r.Expression)).SequenceEqual(have.Select(r => (r.Comment, r.Expression))))
            {
                continue;
            }

            var unmatchedHave = new List<NftablesRuleView>(have);
            var unmatchedWant = new List<NftablesRuleView>();
            foreach (var rule in want)
            {
                var index = unmatchedHave.FindIndex(r => r.Comment == rule.Comment && r.Expression == rule.Expression);
                if (index >= 0)
                {
                    unmatchedHave.RemoveAt(index);
                }
                else
                {
                    unmatchedWant.Add(rule);
                }
            }

            foreach (var rule in unmatchedWant)
            {
                var changed = rule.Comment is null ? -1 : unmatchedHave.FindIndex(r => r.Comment == rule.Comment);
                if (changed >= 0)
                {
                    differences.Add($"chain {chain}: rule {unmatchedHave[changed].Describe()} was modified");
                    unmatchedHave.RemoveAt(changed);
                }
                else
                {
                    differences.Add($"chain {chain}: rule {rule.Describe()} is missing");
                }
            }

            foreach (var rule in unmatchedHave)
            {
                differences.Add($"chain {chain}: unexpected rule {rule.Describe()}");
            }

            if (unmatchedWant.Count == 0 && unmatchedHave.Count == 0)
            {
                differences.Add($"chain {chain}: rules are out of order");
            }
        }

        return differences;
    }

    private static void CompareMap(string kind, Dictionary<string, string> want, Dictionary<string, string> have, List<string> differences)
    {
        foreach (var (name, value) in want)
        {
            if (!have.TryGetValue(name, out var actual))
            {
                differences.Add($"{kind} {name} is missing");
            }
            else if (actual != value)
            {
                differences.Add($"{kind} {name} was modified ({Delta(value, actual)})");
            }
        }

        foreach (var name in have.Keys.Where(n => !want.ContainsKey(n)))
        {
            differences.Add($"unexpected {kind} {name}");
        }
    }

    /// <summary>For sets: which elements appeared or vanished; otherwise both descriptions (shortened).</summary>
    private static string Delta(string want, string have)
    {
        const string marker = " elements ";
        var w = want.Split(marker);
        var h = have.Split(marker);
        if (w.Length == 2 && h.Length == 2 && w[0] == h[0])
        {
            var wanted = w[1].Trim('{', '}').Split(',', StringSplitOptions.RemoveEmptyEntries);
            var held = h[1].Trim('{', '}').Split(',', StringSplitOptions.RemoveEmptyEntries);
            var added = held.Except(wanted, StringComparer.Ordinal).ToList();
            var removed = wanted.Except(held, StringComparer.Ordinal).ToList();
            return $"elements added: [{Shorten(string.Join(", ", added))}], missing: [{Shorten(string.Join(", ", removed))}]";
        }

        return $"want {Shorten(want)}, have {Shorten(have)}";
    }

    private static string Shorten(string text) => text.Length > 200 ? text[..200] + "…" : text;

    private static IEnumerable<JsonNode?> Items(JsonNode root) =>
        root["nftables"] as JsonArray ?? throw new FormatException("Not an nftables JSON document: no \"nftables\" array.");

    private static bool IsOurs(JsonObject obj, string tableKey) =>
        (string?)obj["family"] == NftablesNames.Family && (string?)obj[tableKey] == NftablesNames.Table;

    private void Add(JsonObject item)
    {
        if (item["chain"] is JsonObject chain && IsOurs(chain, "table"))
        {
            var name = (string)chain["name"]!;
            Chains[name] = chain["hook"] is null
                ? "regular"
                : $"type {chain["type"]} hook {chain["hook"]} prio {chain["prio"]} policy {chain["policy"]}";
            Rules.TryAdd(name, []);
        }
        else if (item["set"] is JsonObject set && IsOurs(set, "table"))
        {
            var flags = ((set["flags"] as JsonArray) ?? []).Select(f => (string?)f).Order(StringComparer.Ordinal);
            var elements = set["elem"] is JsonArray elem ? CanonicalValue(new JsonObject { ["set"] = elem.DeepClone() }) : "{}";
            Sets[(string)set["name"]!] = $"type {set["type"]} flags [{string.Join(",", flags)}] elements {elements}";
        }
        else if (item["rule"] is JsonObject rule && IsOurs(rule, "table"))
        {
            var chainName = (string)rule["chain"]!;
            var expr = new JsonArray();
            foreach (var statement in rule["expr"] as JsonArray ?? [])
            {
                expr.Add(CanonicalStatement(statement));
            }

            long? handle = rule["handle"] is JsonValue h && h.TryGetValue<long>(out var value) ? value : null;
            if (!Rules.TryGetValue(chainName, out var list))
            {
                Rules[chainName] = list = [];
            }

            list.Add(new NftablesRuleView((string?)rule["comment"], expr.ToJsonString(), handle));
        }
    }

    private static JsonNode? CanonicalStatement(JsonNode? statement)
    {
        if (statement is not JsonObject obj || obj.Count != 1)
        {
            return statement?.DeepClone();
        }

        var (key, value) = obj.First();
        switch (key)
        {
            case "counter":
                return new JsonObject { ["counter"] = null };
            case "match" when value is JsonObject match:
                var op = (string?)match["op"];
                return new JsonObject
                {
                    ["match"] = new JsonObject
                    {
                        ["op"] = op == "in" ? "==" : op,
                        ["left"] = match["left"]?.DeepClone(),
                        ["right"] = match["right"] is { } right ? CanonicalValue(right) : null,
                    },
                };
            default:
                return statement.DeepClone();
        }
    }

    /// <summary>A value, set, prefix or range rendered as a sorted list of merged intervals.</summary>
    private static string CanonicalValue(JsonNode right)
    {
        if (right is JsonValue v && v.GetValueKind() == JsonValueKind.String && ((string)v!).StartsWith('@'))
        {
            return (string)v!;
        }

        IEnumerable<JsonNode?> elements = right switch
        {
            JsonObject o when o["set"] is JsonArray set => set,
            JsonArray array => array,
            _ => new[] { right },
        };

        var numbers = new List<(long Low, long High)>();
        var addresses = new List<IpPrefix>();
        var symbols = new List<string>();
        foreach (var element in elements)
        {
            switch (element)
            {
                case JsonValue value when value.GetValueKind() == JsonValueKind.Number:
                    var n = value.GetValue<long>();
                    numbers.Add((n, n));
                    break;
                case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                    var text = (string)value!;
                    if ((text.Contains('.') || text.Contains(':')) && IPAddress.TryParse(text, out var address))
                    {
                        addresses.Add(IpPrefix.FromAddress(address));
                    }
                    else
                    {
                        symbols.Add(text);
                    }

                    break;
                case JsonObject o when o["prefix"] is JsonObject prefix:
                    addresses.Add(IpPrefix.Parse($"{prefix["addr"]}/{prefix["len"]}"));
                    break;
                case JsonObject o when o["range"] is JsonArray { Count: 2 } range:
                    if (range[0] is JsonValue low && low.GetValueKind() == JsonValueKind.Number)
                    {
                        numbers.Add((low.GetValue<long>(), range[1]!.GetValue<long>()));
                    }
                    else if (IPAddress.TryParse((string?)range[0], out var first) && IPAddress.TryParse((string?)range[1], out var last))
                    {
                        addresses.Add(IpPrefix.FromAddress(first) with { Last = IpPrefix.ToInteger(last) });
                    }
                    else
                    {
                        symbols.Add(o.ToJsonString());
                    }

                    break;
                default:
                    symbols.Add(element?.ToJsonString() ?? "null");
                    break;
            }
        }

        var parts = new List<string>();
        foreach (var (low, high) in MergeNumbers(numbers))
        {
            parts.Add(low == high ? low.ToString(CultureInfo.InvariantCulture) : $"{low}-{high}");
        }

        parts.AddRange(IpPrefix.Merge(addresses).Select(p => p.ToString()));
        parts.AddRange(symbols.Order(StringComparer.Ordinal));
        return "{" + string.Join(",", parts) + "}";
    }

    private static List<(long Low, long High)> MergeNumbers(List<(long Low, long High)> ranges)
    {
        var merged = new List<(long Low, long High)>();
        foreach (var r in ranges.OrderBy(r => r.Low))
        {
            if (merged.Count > 0 && r.Low <= merged[^1].High + 1)
            {
                merged[^1] = (merged[^1].Low, Math.Max(merged[^1].High, r.High));
            }
            else
            {
                merged.Add(r);
            }
        }

        return merged;
    }
}

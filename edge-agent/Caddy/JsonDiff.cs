using System.Text.Json.Nodes;

namespace CloudWg.EdgeAgent.Caddy;

/// <summary>Lists where two JSON values differ, as paths (<c>routes[0].handle[0].upstreams[0].dial[0]</c>).</summary>
internal static class JsonDiff
{
    public static List<string> Describe(JsonNode? want, JsonNode? have, int limit = 5)
    {
        var differences = new List<string>();
        Walk(want, have, string.Empty, differences, limit);
        return differences;
    }

    private static void Walk(JsonNode? want, JsonNode? have, string path, List<string> differences, int limit)
    {
        if (differences.Count >= limit || JsonNode.DeepEquals(want, have))
        {
            return;
        }

        switch (want, have)
        {
            case (JsonObject w, JsonObject h):
                foreach (var key in w.Select(p => p.Key).Union(h.Select(p => p.Key)).Order(StringComparer.Ordinal))
                {
                    Walk(w[key], h[key], path.Length == 0 ? key : $"{path}.{key}", differences, limit);
                }

                break;
            case (JsonArray w, JsonArray h) when w.Count == h.Count:
                for (var i = 0; i < w.Count; i++)
                {
                    Walk(w[i], h[i], $"{path}[{i}]", differences, limit);
                }

                break;
            default:
                differences.Add($"{(path.Length == 0 ? "(root)" : path)}: want {Show(want)}, have {Show(have)}");
                break;
        }
    }

    private static string Show(JsonNode? node)
    {
        var text = node?.ToJsonString() ?? "nothing";
        return text.Length > 120 ? text[..120] + "…" : text;
    }
}

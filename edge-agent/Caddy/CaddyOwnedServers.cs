using System.Text.Json.Nodes;

namespace CloudWg.EdgeAgent.Caddy;

/// <summary>
/// Keeps the servers the agent owns (names starting with the prefix) in one Caddy app's <c>servers</c> map
/// equal to the desired ones, and leaves every other server, every other app and the admin block alone.
/// Works for any app with a <c>servers</c> map (layer4, http), which is how the mechanics are tested against a
/// stock Caddy. Every write carries the ETag of the whole config it was computed from, so a concurrent
/// change (an operator, another tool) makes Caddy answer 412 and the change is recomputed from fresh state.
/// </summary>
public sealed class CaddyOwnedServers
{
    private readonly CaddyAdminClient _client;
    private readonly string _app;
    private readonly string _prefix;
    private readonly int _maxAttempts;

    public CaddyOwnedServers(CaddyAdminClient client, string app, string prefix = CaddyL4Renderer.ServerPrefix, int maxAttempts = 5)
    {
        _client = client;
        _app = app;
        _prefix = prefix;
        _maxAttempts = maxAttempts;
    }

    /// <summary>Test seam: runs after the config was read and before the write (attempt number given).</summary>
    internal Func<int, CancellationToken, Task>? BeforeWrite { get; set; }

    /// <summary>Compares without changing anything.</summary>
    public async Task<CaddyDriftReport> CheckAsync(JsonObject desired, CancellationToken cancellationToken = default)
    {
        var config = await _client.GetConfigAsync(string.Empty, cancellationToken).ConfigureAwait(false);
        return Report(desired, Servers(config.Value));
    }

    /// <summary>Compares and, if anything differs, writes the desired servers; returns what differed.</summary>
    public async Task<CaddyDriftReport> ReconcileAsync(JsonObject desired, CancellationToken cancellationToken = default)
    {
        ValidateNames(desired);
        for (var attempt = 1; ; attempt++)
        {
            var config = await _client.GetConfigAsync(string.Empty, cancellationToken).ConfigureAwait(false);
            var current = Servers(config.Value);
            var report = Report(desired, current);
            if (!report.HasDrift)
            {
                return report;
            }

            var servers = new JsonObject();
            foreach (var (name, server) in current ?? [])
            {
                if (!name.StartsWith(_prefix, StringComparison.Ordinal))
                {
                    servers[name] = server?.DeepClone();
                }
            }

            foreach (var (name, server) in desired)
            {
                servers[name] = server?.DeepClone();
            }

            if (BeforeWrite is { } hook)
            {
                await hook(attempt, cancellationToken).ConfigureAwait(false);
            }

            try
            {
                // POST sets or replaces an object key; write at the deepest level that exists so sibling
                // settings of the app (and everything above it) stay as they are.
                var root = config.Value as JsonObject;
                var (path, value) = (root?["apps"] as JsonObject)?[_app] is JsonObject
                    ? ($"apps/{_app}/servers", (JsonNode)servers)
                    : root?["apps"] is JsonObject
                        ? ($"apps/{_app}", new JsonObject { ["servers"] = servers })
                        : root is not null
                            ? ("apps", new JsonObject { [_app] = new JsonObject { ["servers"] = servers } })
                            : (string.Empty, new JsonObject { ["apps"] = new JsonObject { [_app] = new JsonObject { ["servers"] = servers } } });
                await _client.ChangeConfigAsync(HttpMethod.Post, path, value, config.ETag, cancellationToken).ConfigureAwait(false);
                return report;
            }
            catch (CaddyAdminException e) when (e.IsPreconditionFailed && attempt < _maxAttempts)
            {
                // Someone changed the config between our read and our write: start over from fresh state.
            }
        }
    }

    private JsonObject? Servers(JsonNode? root) => root?["apps"]?[_app]?["servers"] as JsonObject;

    private CaddyDriftReport Report(JsonObject desired, JsonObject? current)
    {
        var differences = new List<string>();
        foreach (var (name, server) in desired)
        {
            var actual = current?[name];
            if (actual is null)
            {
                differences.Add($"{_app} server {name} is missing");
            }
            else if (!JsonNode.DeepEquals(server, actual))
            {
                differences.Add($"{_app} server {name} was modified: {string.Join("; ", JsonDiff.Describe(server, actual))}");
            }
        }

        foreach (var (name, _) in current ?? [])
        {
            if (name.StartsWith(_prefix, StringComparison.Ordinal) && !desired.ContainsKey(name))
            {
                differences.Add($"unexpected {_app} server {name}");
            }
        }

        return differences.Count == 0 ? CaddyDriftReport.Clean : new CaddyDriftReport(differences);
    }

    private void ValidateNames(JsonObject desired)
    {
        foreach (var (name, _) in desired)
        {
            if (!name.StartsWith(_prefix, StringComparison.Ordinal))
            {
                throw new ArgumentException($"Server '{name}' does not carry the owned prefix '{_prefix}'.", nameof(desired));
            }
        }
    }
}

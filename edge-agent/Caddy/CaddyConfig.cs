using System.Text.Json.Nodes;

namespace CloudWg.EdgeAgent.Caddy;

/// <summary>A value read from Caddy's config tree and the ETag to send back in If-Match when changing it.</summary>
/// <param name="Value">Null when nothing is configured at the path.</param>
/// <param name="ETag">Caddy's ETag, <c>"/config/ 1a2b3c4d"</c> (path and hash, quotes included).</param>
public sealed record CaddyConfig(JsonNode? Value, string? ETag);

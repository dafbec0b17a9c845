namespace CloudWg.Functions.Routes;

/// <summary>Body of <c>POST /api/nodes/{id}/routes</c> and <c>PATCH /api/routes/{id}</c> (merge patch).</summary>
/// <param name="Listen">One of the node's <c>l4Listen</c> addresses; default: its first.</param>
/// <param name="Sni">1–32 host names (stored in lower case); a wildcard only as the whole left-most label. Each name once per listener. Required on create.</param>
/// <param name="PeerId">The peer of this node that receives the traffic. Required on create.</param>
/// <param name="Port">The peer's TCP port (1–65535). Required on create.</param>
/// <param name="ProxyProtocol">none (default), v1 or v2.</param>
/// <param name="Enabled">Default true.</param>
public sealed record RouteRequest(string? Listen, IReadOnlyList<string>? Sni, string? PeerId, int? Port, string? ProxyProtocol, bool? Enabled);

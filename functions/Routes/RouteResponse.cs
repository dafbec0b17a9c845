namespace CloudWg.Functions.Routes;

/// <summary>A route as the API returns it.</summary>
public sealed record RouteResponse(
    string Id,
    string NodeId,
    string Listen,
    IReadOnlyList<string> Sni,
    string PeerId,
    int Port,
    string ProxyProtocol,
    bool Enabled,
    string Etag,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

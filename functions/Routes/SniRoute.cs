using Azure;
using CloudWg.Functions.Validation;
using CloudWg.Protocol.DesiredStates;

namespace CloudWg.Functions.Routes;

/// <summary>An SNI passthrough route: TLS for <see cref="Sni"/> arriving at the node's layer-4 listener <see cref="Listen"/> goes, undecrypted, to a peer's <see cref="Port"/>.</summary>
public sealed record SniRoute(
    string Id,
    string NodeId,
    string Listen,
    IReadOnlyList<string> Sni,
    string PeerId,
    int Port,
    ProxyProtocol ProxyProtocol,
    bool Enabled,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    ETag ETag = default) : IVersioned;

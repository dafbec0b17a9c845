namespace CloudWg.EdgeAgent.State;

/// <summary>An accepted desired state as cached: the JWS as received and its decoded payload.</summary>
/// <param name="Source">Where it came from: <c>queue</c>, <c>blob</c>, <c>pull</c>, <c>file</c>.</param>
public sealed record StoredDesiredState(long Version, string NodeId, string Jws, string Payload, string Sha256, string Source, DateTimeOffset ReceivedAt);

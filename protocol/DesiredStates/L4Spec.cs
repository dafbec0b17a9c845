namespace CloudWg.Protocol.DesiredStates;

/// <summary>SNI passthrough (Caddy layer4) servers on the node.</summary>
public sealed record L4Spec(IReadOnlyList<L4Server> Servers);

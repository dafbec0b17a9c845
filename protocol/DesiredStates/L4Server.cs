namespace CloudWg.Protocol.DesiredStates;

/// <summary>One listener, e.g. <c>:443</c>, and the SNI routes it serves.</summary>
public sealed record L4Server(string Listen, IReadOnlyList<L4Route> Routes);

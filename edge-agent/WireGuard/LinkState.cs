namespace CloudWg.EdgeAgent.WireGuard;

/// <summary>An interface as iproute2 reports it; addresses as <c>addr/prefix</c>.</summary>
public sealed record LinkState(string Name, int Mtu, bool Up, IReadOnlyList<string> Addresses);

namespace CloudWg.Protocol.DesiredStates;

/// <summary>TLS connections whose SNI matches <see cref="Sni"/> are passed through, undecrypted, to <see cref="Upstream"/>.</summary>
/// <param name="Id">The route's id in the control plane (stable across versions).</param>
/// <param name="Sni">Host names; a wildcard is allowed only as the whole left-most label (<c>*.example.com</c>).</param>
/// <param name="Upstream">A peer's tunnel address and port, <c>10.44.0.7:443</c> or <c>[fd00::7]:443</c>.</param>
/// <param name="ProxyProtocol">Null or <see cref="ProxyProtocol.None"/> for none, else v1/v2.</param>
public sealed record L4Route(string Id, IReadOnlyList<string> Sni, string Upstream, ProxyProtocol? ProxyProtocol);

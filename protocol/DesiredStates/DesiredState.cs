using System.Text.Json.Serialization;

namespace CloudWg.Protocol.DesiredStates;

/// <summary>
/// The complete configuration one node should run (DESIGN §4). Level-triggered: every document is
/// whole, and a higher <see cref="Version"/> supersedes every lower one.
/// </summary>
/// <param name="Schema">Schema version of this document; see <see cref="ProtocolInfo.CurrentSchema"/>.</param>
/// <param name="NodeId">The node this document is for; any other node rejects it.</param>
/// <param name="Version">Monotonically increasing per node, allocated by the control plane.</param>
/// <param name="IssuedAt">When the control plane compiled it (UTC).</param>
/// <param name="WireGuard">On the wire as <c>wireguard</c> (DESIGN §4), not <c>wireGuard</c>.</param>
/// <param name="Routing">Forwarding beyond the tunnel; absent (documents before it existed): no egress.</param>
public sealed record DesiredState(
    int Schema,
    string NodeId,
    long Version,
    DateTimeOffset IssuedAt,
    [property: JsonPropertyName("wireguard")] WireGuardSpec WireGuard,
    L4Spec L4,
    FirewallSpec Firewall,
    RoutingSpec? Routing = null);

using System.Text;
using CloudWg.Functions.Validation;
using CloudWg.Protocol.DesiredStates;
using CloudWg.Protocol.Validation;

namespace CloudWg.Functions.FirewallRules;

/// <summary>Reads a firewall rule body (create, or patch where absent fields keep their values).</summary>
public static class FirewallRuleInput
{
    /// <param name="peerIds">Ids of the node's peers, which sources and destinations may name.</param>
    public static FirewallRule Read(FieldReader r, string nodeId, FirewallRule? existing, string id, IReadOnlySet<string> peerIds, DateTimeOffset now)
    {
        bool Take(string field) => existing is null || r.IsPresent(field);
        string? Endpoint(string value) => peerIds.Contains(value) || Cidr.TryParseCanonical(value, out _)
            ? null
            : ResourceIds.NodeOf(value, ResourceIds.Peer) is not null
                ? "must be the id of a peer of this node."
                : "must be a canonical CIDR (10.44.0.0/24, 192.0.2.7/32) or the id of a peer of this node.";

        var direction = Take("direction") ? r.Enum("direction", WireEnums.Directions, required: true) ?? FirewallDirection.Input : existing!.Direction;
        var protocol = Take("protocol") ? r.Enum("protocol", WireEnums.Protocols) ?? FirewallProtocol.Any : existing!.Protocol;
        var ports = Take("ports") ? r.StringList("ports", 32, FieldChecks.PortOrRange, maxLength: 16) ?? [] : existing!.Ports;
        if (ports.Count > 0 && protocol is not (FirewallProtocol.Tcp or FirewallProtocol.Udp))
        {
            r.Error("ports", "can only be given with protocol tcp or udp.");
        }

        var sources = Take("sources") ? r.StringList("sources", 64, Endpoint, maxLength: 64) ?? [] : existing!.Sources;
        var destinations = Take("destinations") ? r.StringList("destinations", 64, Endpoint, maxLength: 64) ?? [] : existing!.Destinations;
        var action = Take("action") ? r.Enum("action", WireEnums.Actions, required: true) ?? FirewallAction.Drop : existing!.Action;
        var priority = Take("priority") ? r.Int("priority", 0, 65535) ?? FirewallRule.DefaultPriority : existing!.Priority;
        var comment = Take("comment")
            ? r.String("comment", maxLength: DesiredStateValidator.MaxCommentBytes, check: c => Encoding.UTF8.GetByteCount(c) > DesiredStateValidator.MaxCommentBytes
                ? $"must be at most {DesiredStateValidator.MaxCommentBytes} bytes in UTF-8."
                : null)
            : existing!.Comment;
        var enabled = Take("enabled") ? r.Bool("enabled") ?? true : existing!.Enabled;
        return new FirewallRule(id, nodeId, direction, protocol, ports, sources, destinations, action, priority, comment, enabled, existing?.CreatedAt ?? now, now, existing?.ETag ?? default);
    }
}

using System.Text.Json;

namespace CloudWg.Functions.Nodes;

/// <summary>The node's published desired state, decoded from its verified blob.</summary>
/// <param name="Version">The blob's version (0 when nothing valid is published).</param>
/// <param name="Sha256">SHA-256 of the signed payload.</param>
/// <param name="InSync">True when the blob verifies and holds exactly what the node's current configuration compiles to.</param>
/// <param name="DesiredState">The document exactly as signed (canonical wire JSON), or null when the blob is missing or does not verify.</param>
public sealed record DesiredStatePreview(string NodeId, long Version, string? Sha256, DateTimeOffset? PublishedAt, bool InSync, JsonElement? DesiredState);

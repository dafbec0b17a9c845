using System.Text.Json;
using System.Text.Json.Serialization;

namespace CloudWg.Functions.Triggers;

/// <summary>What the Functions host POSTs to a custom handler for a non-HTTP trigger.</summary>
public sealed record CustomHandlerRequest(
    [property: JsonPropertyName("Data")] JsonElement? Data,
    [property: JsonPropertyName("Metadata")] JsonElement? Metadata);

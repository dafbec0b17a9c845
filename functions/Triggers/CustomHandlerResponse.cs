using System.Text.Json.Serialization;

namespace CloudWg.Functions.Triggers;

/// <summary>What a custom handler answers: output bindings (none here), log lines for the host, a return value.</summary>
public sealed record CustomHandlerResponse(
    [property: JsonPropertyName("Outputs")] IReadOnlyDictionary<string, object?> Outputs,
    [property: JsonPropertyName("Logs")] IReadOnlyList<string> Logs,
    [property: JsonPropertyName("ReturnValue")] object? ReturnValue);

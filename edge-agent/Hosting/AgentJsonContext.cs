using System.Text.Json.Serialization;
using CloudWg.EdgeAgent.Enrollment;

namespace CloudWg.EdgeAgent.Hosting;

/// <summary>Source-generated JSON for the agent's own records (NativeAOT: no reflection).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = true)]
[JsonSerializable(typeof(AgentEnrollment))]
[JsonSerializable(typeof(Cli.AgentStatus))]
public sealed partial class AgentJsonContext : JsonSerializerContext;

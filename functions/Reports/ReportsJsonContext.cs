using System.Text.Json.Serialization;

namespace CloudWg.Functions.Reports;

[JsonSerializable(typeof(string))]
internal sealed partial class ReportsJsonContext : JsonSerializerContext;

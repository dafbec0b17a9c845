using System.Text.Json.Nodes;

namespace CloudWg.Infra.Tests.Bicep;

/// <summary>A resource of the compiled template, with the (nested) template that declares it,
/// whose parameters and variables its expressions refer to.</summary>
internal sealed record ArmResource(JsonObject Resource, JsonObject Template, string Module)
{
    public string Type => (string)Resource["type"]!;

    public JsonObject Properties => Resource["properties"]!.AsObject();
}

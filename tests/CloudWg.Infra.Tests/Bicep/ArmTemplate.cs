using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace CloudWg.Infra.Tests.Bicep;

/// <summary>Read-only view over infra/azuredeploy.json: resources of all nested module
/// deployments, and the few expression forms Bicep emits for variables.</summary>
internal sealed partial class ArmTemplate
{
    private ArmTemplate(JsonObject root) => Root = root;

    public JsonObject Root { get; }

    public static ArmTemplate Load(string path) => new(JsonNode.Parse(File.ReadAllText(path))!.AsObject());

    public IEnumerable<ArmResource> Resources() => Walk(Root, "main");

    public IEnumerable<ArmResource> OfType(string type) =>
        Resources().Where(r => string.Equals(r.Type, type, StringComparison.OrdinalIgnoreCase));

    public ArmResource Single(string type)
    {
        var matches = OfType(type).ToList();
        Assert.True(matches.Count == 1, $"expected exactly one {type}, found {matches.Count}");
        return matches[0];
    }

    /// <summary>The value main.bicep passes to a module parameter (an expression string).</summary>
    public string ModuleParameter(string module, string parameter)
    {
        var deployment = Resources().Single(r => r.Type == "Microsoft.Resources/deployments" && (string?)r.Resource["name"] == module);
        return deployment.Properties["parameters"]![parameter]!["value"]!.ToString();
    }

    /// <summary>Resolves "[variables('x')]" or "variables('x').y" against the declaring template.</summary>
    public static JsonNode ResolveVariable(JsonObject template, string expression)
    {
        var match = VariableReference().Match(expression);
        Assert.True(match.Success, $"not a variable reference: {expression}");
        var node = template["variables"]![match.Groups["name"].Value]!;
        return match.Groups["member"].Success ? node[match.Groups["member"].Value]! : node;
    }

    public static IEnumerable<ArmResource> Walk(JsonObject template, string module)
    {
        var resources = template["resources"];
        var items = resources is JsonObject symbolic
            ? symbolic.Select(p => p.Value)
            : resources?.AsArray().AsEnumerable() ?? [];
        foreach (var item in items)
        {
            var resource = item!.AsObject();
            yield return new ArmResource(resource, template, module);
            if ((string?)resource["type"] == "Microsoft.Resources/deployments"
                && resource["properties"]?["template"] is JsonObject nested)
            {
                foreach (var inner in Walk(nested, (string)resource["name"]!))
                {
                    yield return inner;
                }
            }
        }
    }

    [GeneratedRegex(@"variables\('(?<name>[A-Za-z0-9_]+)'\)(\.(?<member>[A-Za-z0-9_]+))?")]
    private static partial Regex VariableReference();
}

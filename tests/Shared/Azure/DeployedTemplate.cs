using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace CloudWg.Tests.Shared.Azure;

/// <summary>
/// Just enough of ARM to read the committed infra/azuredeploy.json: nested module resources, and the function app's
/// app settings with the module-parameter and variable references Bicep emits, filled in for a test deployment.
/// </summary>
public static partial class DeployedTemplate
{
    public static JsonObject Load() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(CloudWg.Tests.Shared.Azurite.RepositoryRoot(), "infra", "azuredeploy.json")))!.AsObject();

    public static IEnumerable<JsonObject> Resources() => Walk(Load(), null).Select(r => r.Resource);

    /// <summary>
    /// The function app's app settings as the platform sets them (names with <c>__</c>), the storage endpoints and
    /// vault of this test's deployment filled in; Application Insights is left empty (nothing to send to here).
    /// </summary>
    public static Dictionary<string, string> AppSettings(Uri keyVaultUri)
    {
        var root = Load();
        var site = Walk(root, null).Single(r => (string?)r.Resource["type"] == "Microsoft.Web/sites");
        var parameters = new Dictionary<string, string>
        {
            ["storageAccountName"] = CloudWg.Tests.Shared.Azurite.AccountName,
            ["blobEndpoint"] = $"http://127.0.0.1/{CloudWg.Tests.Shared.Azurite.AccountName}",
            ["queueEndpoint"] = $"http://127.0.0.1/{CloudWg.Tests.Shared.Azurite.AccountName}",
            ["tableEndpoint"] = $"http://127.0.0.1/{CloudWg.Tests.Shared.Azurite.AccountName}",
            ["keyVaultUri"] = keyVaultUri.AbsoluteUri,
        };
        var settings = new Dictionary<string, string>();
        foreach (var setting in site.Resource["properties"]!["siteConfig"]!["appSettings"]!.AsArray())
        {
            var name = (string)setting!["name"]!;
            settings[name] = name == "APPLICATIONINSIGHTS_CONNECTION_STRING" ? "" : Evaluate(root, site.Module, (string)setting["value"]!, parameters);
        }

        return settings;
    }

    private static IEnumerable<(JsonObject Resource, JsonObject? Module)> Walk(JsonObject template, JsonObject? module)
    {
        var resources = template["resources"];
        var items = resources is JsonObject symbolic ? symbolic.Select(p => p.Value) : resources?.AsArray().AsEnumerable() ?? [];
        foreach (var item in items.OfType<JsonObject>())
        {
            yield return (item, module);
            if ((string?)item["type"] == "Microsoft.Resources/deployments" && item["properties"]?["template"] is JsonObject nested)
            {
                foreach (var inner in Walk(nested, item))
                {
                    yield return inner;
                }
            }
        }
    }

    /// <summary>A literal, or <c>[parameters('x')]</c> of the resource's module: one of the deployment parameters the
    /// test supplies, or what main.bicep passes down (a variable holding a literal).</summary>
    private static string Evaluate(JsonObject root, JsonObject? module, string value, IReadOnlyDictionary<string, string> deploymentParameters)
    {
        if (!value.StartsWith('['))
        {
            return value;
        }

        var parameter = ParameterReference().Match(value);
        if (!parameter.Success)
        {
            throw new InvalidOperationException($"The test cannot evaluate app setting expression {value}; teach it or keep settings simple.");
        }

        var name = parameter.Groups["name"].Value;
        if (deploymentParameters.TryGetValue(name, out var supplied))
        {
            return supplied;
        }

        var passed = (module ?? throw new InvalidOperationException("The function app is not in a module."))["properties"]!["parameters"]![name]!["value"]!.ToString();
        var variable = VariableReference().Match(passed);
        if (!variable.Success)
        {
            throw new InvalidOperationException($"Module parameter {name} is passed as {passed}; the test resolves only variables holding literals.");
        }

        return (string)root["variables"]![variable.Groups["name"].Value]!;
    }

    [GeneratedRegex(@"^\[parameters\('(?<name>[A-Za-z0-9_]+)'\)\]$")]
    private static partial Regex ParameterReference();

    [GeneratedRegex(@"^\[variables\('(?<name>[A-Za-z0-9_]+)'\)\]$")]
    private static partial Regex VariableReference();
}

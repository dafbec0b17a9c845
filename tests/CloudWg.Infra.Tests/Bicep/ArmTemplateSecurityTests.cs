using System.Text.RegularExpressions;
using CloudWg.Infra.Tests.Support;

namespace CloudWg.Infra.Tests.Bicep;

/// <summary>Security properties of the compiled "Deploy to Azure" template (infra/azuredeploy.json,
/// which <see cref="BicepCliTests"/> keeps equal to the Bicep).</summary>
public sealed partial class ArmTemplateSecurityTests
{
    private const string StorageAccount = "Microsoft.Storage/storageAccounts";
    private const string KeyVault = "Microsoft.KeyVault/vaults";
    private const string KeyVaultSecret = "Microsoft.KeyVault/vaults/secrets";

    private static readonly string[] AppTables =
    [
        "nodes", "peers", "routes", "firewallrules", "leases", "audit", "changes", "admins", "sessions",
        "tokens", "ratelimits", "enrollments", "certificates", "nonces",
    ];

    private readonly ArmTemplate _template = ArmTemplate.Load(RepositoryLayout.CompiledTemplate);

    [Fact]
    public void FunctionAppIsHttpsOnlyFlexCustomHandlerWithSystemIdentity()
    {
        var site = _template.Single("Microsoft.Web/sites");
        var plan = _template.Single("Microsoft.Web/serverfarms");

        Assert.Equal("SystemAssigned", (string?)site.Resource["identity"]?["type"]);
        Assert.True((bool)site.Properties["httpsOnly"]!);
        Assert.Equal("custom", (string?)site.Properties["functionAppConfig"]?["runtime"]?["name"]);
        Assert.Equal("SystemAssignedIdentity", (string?)site.Properties["functionAppConfig"]?["deployment"]?["storage"]?["authentication"]?["type"]);
        Assert.Equal("1.2", (string?)site.Properties["siteConfig"]?["minTlsVersion"]);
        Assert.Equal("Disabled", (string?)site.Properties["siteConfig"]?["ftpsState"]);
        Assert.Equal("FC1", (string?)plan.Resource["sku"]?["name"]);
        Assert.Equal("FlexConsumption", (string?)plan.Resource["sku"]?["tier"]);

        var publishing = _template.OfType("Microsoft.Web/sites/basicPublishingCredentialsPolicies").ToList();
        Assert.Equal(2, publishing.Count);
        Assert.All(publishing, p => Assert.False((bool)p.Properties["allow"]!));
    }

    [Fact]
    public void TheFrontEndIsAskedForNoClientCertificate()
    {
        // Agents sign their requests (DESIGN §4); per-path client certificates would make the front end renegotiate,
        // which TLS 1.3 and HTTP/2 cannot, and a certificate header the front end does not set is the caller's.
        var site = _template.Single("Microsoft.Web/sites");
        Assert.False((bool)site.Properties["clientCertEnabled"]!);
        Assert.Null(site.Properties["clientCertMode"]);
        Assert.Null(site.Properties["clientCertExclusionPaths"]);
        Assert.Empty(_template.OfType("Microsoft.Web/sites/config"));
    }

    [Fact]
    public void TheDeploymentPutsThePackageOnTheAppWithOneDeployAfterTheRolesAndServesTheSpaOnItsOrigin()
    {
        var deploy = _template.Single("Microsoft.Web/sites/extensions");
        Assert.EndsWith("'onedeploy')]", deploy.Resource["name"]!.ToString(), StringComparison.Ordinal);
        Assert.Equal("[parameters('packageUri')]", (string?)deploy.Properties["packageUri"]);
        Assert.False((bool)deploy.Properties["remoteBuild"]!);

        var module = _template.Resources().Single(r => (string?)r.Resource["name"] == "code");
        Assert.Equal("[not(empty(variables('effectivePackageUri')))]", (string?)module.Resource["condition"]);
        Assert.Equal("[variables('effectivePackageUri')]", _template.ModuleParameter("code", "packageUri"));
        Assert.Equal("[if(equals(parameters('packageUri'), 'latest'), variables('latestPackageUri'), parameters('packageUri'))]", (string?)_template.Root["variables"]!["effectivePackageUri"]);
        Assert.Equal("latest", (string?)_template.Root["parameters"]!["packageUri"]!["defaultValue"]);
        Assert.Contains(module.Resource["dependsOn"]!.AsArray(), d => d!.ToString().Contains("'roles'", StringComparison.Ordinal));
        Assert.Equal(_template.ModuleParameter("functionapp", "functionAppName"), _template.ModuleParameter("code", "functionAppName"));

        // "latest" is this repository's latest release asset, from infra/bicep/release.json.
        Assert.Equal(
            "[format('https://github.com/{0}/releases/latest/download/{1}', variables('release').repository, variables('release').functionPackageAsset)]",
            (string?)_template.Root["variables"]!["latestPackageUri"]);
        var release = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryLayout.BicepDirectory, "release.json")))!;
        Assert.Equal(release.ToJsonString(), _template.Root["variables"]!["$fxv#0"]!.ToJsonString());
        Assert.Empty(_template.OfType("Microsoft.Web/staticSites"));
        Assert.Contains("defaultHostName", _template.Root["outputs"]!["appUrl"]!["value"]!.ToString(), StringComparison.Ordinal);
        Assert.Contains("az keyvault secret show", _template.Root["outputs"]!["setupTokenCommand"]!["value"]!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void NamePrefixAndRegionAreCheckedBeforeAnyResourceIsMade()
    {
        var variables = _template.Root["variables"]!;
        // The prefix: first a letter, then letters and digits, else fail() with the rule.
        Assert.Equal("[if(variables('prefixIsValid'), parameters('namePrefix'), fail('namePrefix must be 2-10 lowercase letters and digits, starting with a letter (it names the storage account).'))]", (string?)variables["prefix"]);
        var check = (string)variables["prefixIsValid"]!;
        Assert.Contains("substring(parameters('namePrefix'), 0, 1)", check, StringComparison.Ordinal);
        Assert.Contains("filter(range(0, length(parameters('namePrefix')))", check, StringComparison.Ordinal);
        Assert.Equal("abcdefghijklmnopqrstuvwxyz", (string?)variables["prefixLetters"]);
        Assert.Contains("0123456789", check, StringComparison.Ordinal);
        Assert.Contains("variables('prefix')", (string?)variables["storageAccountName"], StringComparison.Ordinal);

        // The region: one that offers Flex Consumption, else fail() naming them; every module is placed there.
        Assert.StartsWith("[if(contains(variables('flexConsumptionRegions'), parameters('location')), parameters('location'), fail(", (string?)variables["region"], StringComparison.Ordinal);
        var regions = variables["flexConsumptionRegions"]!.AsArray().Select(r => (string)r!).ToList();
        Assert.Contains("westeurope", regions);
        Assert.Contains("eastus", regions);
        Assert.All(regions, r => Assert.Matches("^[a-z0-9]+$", r));
        foreach (var module in new[] { "monitoring", "storage", "keyvault", "functionapp" })
        {
            Assert.Equal("[variables('region')]", _template.ModuleParameter(module, "location"));
        }
    }

    [Fact]
    public void AppSettingsAreIdentityBasedAndHoldNoSecrets()
    {
        var site = _template.Single("Microsoft.Web/sites");
        var settings = site.Properties["siteConfig"]!["appSettings"]!.AsArray()
            .ToDictionary(s => (string)s!["name"]!, s => s!["value"]!.ToString());

        foreach (var required in new[]
        {
            "AzureWebJobsStorage__accountName", "CloudWg__KeyVaultUri", "CloudWg__BehindFunctionsFrontEnd",
            "APPLICATIONINSIGHTS_CONNECTION_STRING", "CloudWg__Storage__TableServiceUri",
            "CloudWg__Storage__QueueServiceUri", "CloudWg__Storage__BlobServiceUri",
        })
        {
            Assert.Contains(required, settings.Keys);
        }

        Assert.Equal("true", settings["CloudWg__BehindFunctionsFrontEnd"]);
        // Behind the Functions host every connection comes from loopback: the client address is the one the front end
        // writes, never the first X-Forwarded-For entry, which the client writes.
        Assert.Equal("X-Client-IP", settings["CloudWg__Auth__ClientAddressHeader"]);
        Assert.DoesNotContain("CloudWg__Auth__TrustForwardedFor", settings.Keys);
        // A plain AzureWebJobsStorage setting would be a connection string with the account key.
        Assert.DoesNotContain("AzureWebJobsStorage", settings.Keys);
        // Flex Consumption rejects these; the runtime comes from functionAppConfig.
        Assert.DoesNotContain("FUNCTIONS_WORKER_RUNTIME", settings.Keys);
        Assert.DoesNotContain("WEBSITE_RUN_FROM_PACKAGE", settings.Keys);
        // The Application Insights connection string is an ingestion endpoint + instrumentation key,
        // not a credential (Microsoft documents it as safe to expose); it must come from the component.
        Assert.Contains("Microsoft.Insights/components", settings["APPLICATIONINSIGHTS_CONNECTION_STRING"], StringComparison.Ordinal);
        foreach (var (name, value) in settings.Where(s => s.Key != "APPLICATIONINSIGHTS_CONNECTION_STRING"))
        {
            Assert.False(LooksSecret(value), $"app setting {name} carries a secret: {value}");
        }
    }

    [Fact]
    public void StorageAccountEnforcesTls12HttpsAndNoPublicBlobAccess()
    {
        var storage = _template.Single(StorageAccount);

        Assert.Equal("TLS1_2", (string?)storage.Properties["minimumTlsVersion"]);
        Assert.True((bool)storage.Properties["supportsHttpsTrafficOnly"]!);
        Assert.False((bool)storage.Properties["allowBlobPublicAccess"]!);
        Assert.All(
            _template.OfType("Microsoft.Storage/storageAccounts/blobServices/containers"),
            c => Assert.Equal("None", (string?)c.Properties["publicAccess"]));
    }

    [Fact]
    public void StorageHasTheTablesQueuesAndContainersTheAppUses()
    {
        var tables = ArmTemplate.ResolveVariable(_template.Root, _template.ModuleParameter("storage", "tableNames"))
            .AsArray().Select(t => (string)t!);
        var queues = ArmTemplate.ResolveVariable(_template.Root, _template.ModuleParameter("storage", "queueNames"))
            .AsArray().Select(t => (string)t!);
        var containers = ArmTemplate.ResolveVariable(_template.Root, _template.ModuleParameter("storage", "containerNames"))
            .AsArray().Select(t => t!.ToString());

        Assert.Equal(AppTables.Order(), tables.Order());
        Assert.Equal(["reports"], queues);
        Assert.Contains("desired-state", containers);
        Assert.All(tables, t => Assert.Matches("^[A-Za-z][A-Za-z0-9]{2,62}$", t));
        Assert.Single(_template.OfType("Microsoft.Storage/storageAccounts/tableServices/tables"));
    }

    [Fact]
    public void KeyVaultUsesRbacSoftDeleteAndPurgeProtection()
    {
        var vault = _template.Single(KeyVault);

        Assert.True((bool)vault.Properties["enableRbacAuthorization"]!);
        Assert.True((bool)vault.Properties["enableSoftDelete"]!);
        Assert.True((bool)vault.Properties["enablePurgeProtection"]!);
        Assert.InRange((int)vault.Properties["softDeleteRetentionInDays"]!, 7, 90);
        Assert.Null(vault.Properties["accessPolicies"]);
    }

    [Fact]
    public void TheKeysTheAppUsesAreCreatedByTheDeploymentNonExportableWithOnlyTheirOperations()
    {
        // The app's identity holds Key Vault Crypto User, which cannot create keys: the deployment must.
        var keys = _template.OfType("Microsoft.KeyVault/vaults/keys").ToDictionary(k => (string)k.Properties["kty"]!);
        Assert.Equal(["EC", "RSA"], keys.Keys.Order());

        var signing = keys["EC"].Properties;
        Assert.Equal("P-256", (string?)signing["curveName"]);
        Assert.Equal(["sign", "verify"], signing["keyOps"]!.AsArray().Select(o => (string)o!));
        Assert.False((bool)signing["attributes"]!["exportable"]!);

        var wrapping = keys["RSA"].Properties;
        Assert.True((int)wrapping["keySize"]! >= 3072);
        Assert.Equal(["wrapKey", "unwrapKey"], wrapping["keyOps"]!.AsArray().Select(o => (string)o!));
        Assert.False((bool)wrapping["attributes"]!["exportable"]!);

        // The app is told the names of exactly these keys, from the same variables.
        Assert.Contains("parameters('configSigningKeyName')", keys["EC"].Resource["name"]!.ToString(), StringComparison.Ordinal);
        Assert.Contains("parameters('dataKeyWrappingKeyName')", keys["RSA"].Resource["name"]!.ToString(), StringComparison.Ordinal);
        var settings = _template.Single("Microsoft.Web/sites").Properties["siteConfig"]!["appSettings"]!.AsArray()
            .ToDictionary(s => (string)s!["name"]!, s => s!["value"]!.ToString());
        Assert.Equal("[parameters('configSigningKeyName')]", settings["CloudWg__KeyVault__ConfigSigningKeyName"]);
        Assert.Equal("[parameters('dataKeyWrappingKeyName')]", settings["CloudWg__KeyVault__DataKeyWrappingKeyName"]);
        foreach (var parameter in new[] { "configSigningKeyName", "dataKeyWrappingKeyName" })
        {
            Assert.Equal($"[variables('{parameter}')]", _template.ModuleParameter("keyvault", parameter));
            Assert.Equal(_template.ModuleParameter("keyvault", parameter), _template.ModuleParameter("functionapp", parameter));
        }

        Assert.Equal("cloudwg-config-signing", (string?)_template.Root["variables"]!["configSigningKeyName"]);
        Assert.Equal("cloudwg-data-kek", (string?)_template.Root["variables"]!["dataKeyWrappingKeyName"]);
    }

    [Fact]
    public void RoleAssignmentsAreExactlyTheLeastPrivilegeSetScopedToResources()
    {
        var assignments = _template.OfType("Microsoft.Authorization/roleAssignments")
            .Select(a => (Role: RoleDefinitionGuid(a), Scope: ScopeType(a), Principal: a.Properties["principalId"]!.ToString()))
            .OrderBy(a => a.Role, StringComparer.Ordinal).ThenBy(a => a.Scope, StringComparer.Ordinal)
            .ToList();

        var app = "[parameters('appPrincipalId')]";
        var reader = "[parameters('setupTokenReaderObjectId')]";
        (string Role, string Scope, string Principal)[] expected =
        [
            ("0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3", StorageAccount, app), // Storage Table Data Contributor
            ("12338af0-0e69-4776-bea7-57ae8d297424", KeyVault, app), // Key Vault Crypto User
            ("4633458b-17de-408a-b874-0445c86b69e6", KeyVault, app), // Key Vault Secrets User
            ("4633458b-17de-408a-b874-0445c86b69e6", KeyVaultSecret, reader), // ... on the setup token only
            ("974c5e8b-45b9-4653-ba55-5f855dd0fb88", StorageAccount, app), // Storage Queue Data Contributor
            ("a4417e6f-fecd-4de8-b567-7b0420556985", KeyVault, app), // Key Vault Certificates Officer
            ("b7e6dc6d-f1e8-4753-8033-0f276bb0955b", StorageAccount, app), // Storage Blob Data Owner (host storage, Flex package)
        ];
        Assert.Equal(expected, assignments);

        // Each name includes the principal: a recreated app (new identity) gets new assignments instead of colliding.
        foreach (var assignment in _template.OfType("Microsoft.Authorization/roleAssignments"))
        {
            Assert.Contains(assignment.Properties["principalId"]!.ToString().Trim('[', ']'), assignment.Resource["name"]!.ToString(), StringComparison.Ordinal);
        }

        var secretReader = _template.OfType("Microsoft.Authorization/roleAssignments").Single(a => ScopeType(a) == KeyVaultSecret);
        Assert.Contains("parameters('setupTokenSecretName')", secretReader.Resource["scope"]!.ToString(), StringComparison.Ordinal);
        Assert.Equal("[not(empty(parameters('setupTokenReaderObjectId')))]", (string?)secretReader.Resource["condition"]);
    }

    [Fact]
    public void AppRoleAssignmentsGoToTheFunctionAppsIdentity()
    {
        Assert.Contains(".outputs.principalId.value", _template.ModuleParameter("roles", "appPrincipalId"), StringComparison.Ordinal);
        Assert.Contains("'functionapp'", _template.ModuleParameter("roles", "appPrincipalId"), StringComparison.Ordinal);
        var principalOutput = _template.Resources()
            .Single(r => (string?)r.Resource["name"] == "functionapp")
            .Properties["template"]!["outputs"]!["principalId"]!["value"]!.ToString();
        Assert.Contains("identity.principalId", principalOutput, StringComparison.Ordinal);
        Assert.Contains("Microsoft.Web/sites", principalOutput, StringComparison.Ordinal);

        // The storage account and vault the roles module scopes to are the ones the other modules create.
        Assert.Equal(_template.ModuleParameter("storage", "storageAccountName"), _template.ModuleParameter("roles", "storageAccountName"));
        Assert.Equal(_template.ModuleParameter("keyvault", "keyVaultName"), _template.ModuleParameter("roles", "keyVaultName"));
        Assert.Equal(_template.ModuleParameter("keyvault", "setupTokenSecretName"), _template.ModuleParameter("roles", "setupTokenSecretName"));
    }

    [Fact]
    public void OutputsContainNoKeysConnectionStringsOrSecrets()
    {
        var outputs = _template.Root["outputs"]!.AsObject();
        Assert.Equal(
            ["appUrl", "functionAppName", "keyVaultName", "setupTokenCommand", "setupTokenSecretName"],
            outputs.Select(o => o.Key).Order(StringComparer.Ordinal));

        var allOutputs = outputs.Select(o => (Module: "main", o.Key, Output: o.Value!))
            .Concat(_template.OfType("Microsoft.Resources/deployments").SelectMany(d =>
                d.Properties["template"]!["outputs"]?.AsObject().Select(o => ((string)d.Resource["name"]!, o.Key, o.Value!)) ?? []));
        foreach (var (module, name, output) in allOutputs)
        {
            var type = ((string)output["type"]!).ToLowerInvariant();
            Assert.False(type.StartsWith("secure", StringComparison.Ordinal), $"{module} output {name} is {type}");
            var value = output["value"]!.ToString();
            Assert.False(LooksSecret(value), $"{module} output {name} may expose a secret: {value}");
            Assert.DoesNotContain("setupToken')", value, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void AccountKeyIsReadOnlyToStoreItInKeyVault()
    {
        var usesKeys = _template.Resources()
            .Where(r => r.Type != "Microsoft.Resources/deployments" && ListFunction().IsMatch(r.Resource.ToJsonString()))
            .ToList();

        var secret = Assert.Single(usesKeys);
        Assert.Equal(KeyVaultSecret, secret.Type);
        Assert.Contains("listKeys(", secret.Properties["value"]!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void EveryParameterHasADefaultForOneClickDeployment()
    {
        var parameters = _template.Root["parameters"]!.AsObject();

        Assert.All(parameters, p => Assert.NotNull(p.Value!["defaultValue"]));
        Assert.Equal("[resourceGroup().location]", (string?)parameters["location"]!["defaultValue"]);
        Assert.Null(parameters["staticWebAppLocation"]);
        Assert.Equal("cloudwg", (string?)parameters["namePrefix"]!["defaultValue"]);
        Assert.Equal("securestring", (string?)parameters["setupToken"]!["type"]);
    }

    private static bool LooksSecret(string value) =>
        ListFunction().IsMatch(value)
        || value.Contains("AccountKey=", StringComparison.OrdinalIgnoreCase)
        || value.Contains("SharedAccessSignature", StringComparison.OrdinalIgnoreCase)
        || value.Contains("connectionString", StringComparison.OrdinalIgnoreCase);

    private static string RoleDefinitionGuid(ArmResource assignment)
    {
        var expression = assignment.Properties["roleDefinitionId"]!.ToString();
        Assert.StartsWith("[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', ", expression, StringComparison.Ordinal);
        var literal = Guid().Match(expression);
        return literal.Success ? literal.Value : (string)ArmTemplate.ResolveVariable(assignment.Template, expression)!;
    }

    private static string ScopeType(ArmResource assignment)
    {
        var scope = assignment.Resource["scope"]?.ToString();
        Assert.False(scope is null, $"role assignment in module {assignment.Module} has no scope: it would apply to the whole resource group");
        var match = ResourceIdType().Match(scope);
        Assert.True(match.Success, $"unexpected role assignment scope {scope}");
        return match.Groups["type"].Value;
    }

    [GeneratedRegex(@"\blist[A-Za-z]*\(", RegexOptions.IgnoreCase)]
    private static partial Regex ListFunction();

    [GeneratedRegex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
    private static partial Regex Guid();

    [GeneratedRegex(@"^\[resourceId\('(?<type>[A-Za-z./]+)',")]
    private static partial Regex ResourceIdType();
}

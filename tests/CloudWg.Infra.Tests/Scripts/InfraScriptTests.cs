using CloudWg.Infra.Tests.Support;

namespace CloudWg.Infra.Tests.Scripts;

/// <summary>deploy.sh cannot run here (no Azure), so it is held to shellcheck and its argument
/// checks; package.sh's input checks fail fast and clearly, before anything is built.</summary>
public sealed class InfraScriptTests : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("cloudwg-scripts-").FullName;

    [Fact]
    public async Task ScriptsAreShellcheckClean()
    {
        var scripts = Directory.EnumerateFiles(RepositoryLayout.InfraDirectory, "*.sh").Order(StringComparer.Ordinal).ToList();
        Assert.Contains(scripts, s => s.EndsWith("deploy.sh", StringComparison.Ordinal));
        Assert.Contains(scripts, s => s.EndsWith("package.sh", StringComparison.Ordinal));

        var result = await Shellcheck.RunAsync(scripts);

        Assert.True(result.ExitCode == 0, result.Describe());
    }

    [Fact]
    public async Task DeployRequiresAResourceGroup()
    {
        var result = await Run("deploy.sh", []);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("--resource-group is required", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeployRejectsANamePrefixAzureWouldRefuse()
    {
        var result = await Run("deploy.sh", ["--resource-group", "rg", "--name-prefix", "Cloud-WG"]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("--name-prefix must be", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PackageFailsClearlyWithoutHostJson()
    {
        var result = await Run("package.sh", ["--out", Path.Combine(_scratch, "out"), "--functions-dir", _scratch]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("host.json not found", result.StandardError, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_scratch, "out", "cloudwg-functions.zip")));
    }

    [Theory]
    [InlineData("{ not json", "not valid JSON")]
    [InlineData("""{ "customHandler": { "enableProxyingHttpRequest": true } }""", "defaultExecutablePath is missing")]
    [InlineData("""{ "customHandler": { "description": { "defaultExecutablePath": "start.sh" } } }""", "enableProxyingHttpRequest must be true")]
    public async Task PackageRejectsAHostJsonTheFunctionsHostCouldNotUse(string hostJson, string expected)
    {
        await File.WriteAllTextAsync(Path.Combine(_scratch, "host.json"), hostJson, TestContext.Current.CancellationToken);

        var result = await Run("package.sh", ["--out", Path.Combine(_scratch, "out"), "--functions-dir", _scratch]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(expected, result.StandardError, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    private static Task<ProcessResult> Run(string script, string[] arguments) =>
        ProcessRunner.RunAsync(
            "bash",
            [Path.Combine(RepositoryLayout.InfraDirectory, script), .. arguments],
            TimeSpan.FromMinutes(2),
            TestContext.Current.CancellationToken);
}

using CloudWg.Infra.Tests.Support;

namespace CloudWg.Infra.Tests.Bicep;

/// <summary>The committed template is exactly what `bicep build` makes, and the Bicep is lint-clean
/// with every analyzer at error level (infra/bicep/bicepconfig.json).</summary>
public sealed class BicepCliTests : IDisposable
{
    private static readonly TimeSpan BicepTimeout = TimeSpan.FromMinutes(5);

    private readonly string _scratch = Directory.CreateTempSubdirectory("cloudwg-bicep-").FullName;

    [Fact]
    public async Task CommittedTemplateEqualsBicepBuildOutput()
    {
        var output = Path.Combine(_scratch, "azuredeploy.json");

        var result = await Bicep(["build", RepositoryLayout.MainBicep, "--outfile", output]);

        Assert.True(result.ExitCode == 0, result.Describe());
        // Compared byte for byte, metadata included: the generator version is pinned by the NuGet
        // package and the templateHash is a hash of the content, so neither drifts on its own.
        var expected = await File.ReadAllTextAsync(output, TestContext.Current.CancellationToken);
        var committed = await File.ReadAllTextAsync(RepositoryLayout.CompiledTemplate, TestContext.Current.CancellationToken);
        Assert.True(
            expected == committed,
            "infra/azuredeploy.json is out of date. Regenerate it with: "
            + $"{RepositoryLayout.BicepExecutable} build infra/bicep/main.bicep --outfile infra/azuredeploy.json");
    }

    [Theory]
    [InlineData("main.bicep")]
    [InlineData("modules/code.bicep")]
    [InlineData("modules/functionapp.bicep")]
    [InlineData("modules/keyvault.bicep")]
    [InlineData("modules/monitoring.bicep")]
    [InlineData("modules/roles.bicep")]
    [InlineData("modules/storage.bicep")]
    public async Task LintIsClean(string file)
    {
        var result = await Bicep(["lint", Path.Combine(RepositoryLayout.BicepDirectory, file)]);

        Assert.True(result.ExitCode == 0, result.Describe());
        Assert.DoesNotContain("Warning", result.StandardOutput + result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("Error", result.StandardOutput + result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryBicepFileIsLinted()
    {
        var files = Directory.EnumerateFiles(RepositoryLayout.BicepDirectory, "*.bicep", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(RepositoryLayout.BicepDirectory, f))
            .Order(StringComparer.Ordinal);

        var linted = typeof(BicepCliTests).GetMethod(nameof(LintIsClean))!
            .GetCustomAttributes(typeof(InlineDataAttribute), false)
            .Cast<InlineDataAttribute>()
            .Select(a => (string)a.Data[0]!)
            .Order(StringComparer.Ordinal);

        Assert.Equal(files, linted);
    }

    [Fact]
    public async Task LintTreatsAnalyzerFindingsAsErrors()
    {
        // A copy of infra/bicep with an unused parameter (a warning by default) must fail lint:
        // proves bicepconfig.json is picked up and raises findings to errors.
        var copy = Path.Combine(_scratch, "bicep");
        CopyDirectory(RepositoryLayout.BicepDirectory, copy);
        var main = Path.Combine(copy, "main.bicep");
        await File.AppendAllTextAsync(main, "\nparam unusedOnPurpose string = 'x'\n", TestContext.Current.CancellationToken);

        var result = await Bicep(["lint", main]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("Error no-unused-params", result.StandardOutput + result.StandardError, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    private static Task<ProcessResult> Bicep(string[] arguments) =>
        ProcessRunner.RunAsync(RepositoryLayout.BicepExecutable, arguments, BicepTimeout, TestContext.Current.CancellationToken);

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}

using System.IO.Compression;
using CloudWg.Infra.Tests.Support;

namespace CloudWg.Infra.Tests.Packaging;

/// <summary>Runs infra/package.sh once for the class and unpacks the functions zip the way the
/// platform does.</summary>
public sealed class FunctionsPackageFixture : IAsyncLifetime
{
    /// <summary>Stands in for functions/host.json until the control-plane branch lands it.</summary>
    public const string StandInHostJson = """
        {
          "version": "2.0",
          "customHandler": {
            "description": { "defaultExecutablePath": "start.sh" },
            "enableProxyingHttpRequest": true
          }
        }
        """;

    private readonly string _scratch = Directory.CreateTempSubdirectory("cloudwg-package-").FullName;

    public string FunctionsDirectory { get; private set; } = "";

    /// <summary>
    /// <c>make test</c> builds the package once (<c>make package</c> into <c>CLOUDWG_PACKAGE_DIR</c>) for every suite
    /// that needs it; run alone, the fixture builds its own.
    /// </summary>
    public string OutputDirectory { get; private set; } = "";

    public string Zip => Path.Combine(OutputDirectory, "cloudwg-functions.zip");

    public string Unpacked => Path.Combine(_scratch, "unpacked");

    internal ProcessResult PackageRun { get; private set; } = new(-1, "", "");

    /// <summary>Function folders under the functions directory (relative paths); the package
    /// carries each at its root under the folder's own name.</summary>
    public IReadOnlyList<string> FunctionFolders { get; private set; } = [];

    public async ValueTask InitializeAsync()
    {
        FunctionsDirectory = RepositoryLayout.FunctionsDirectory;
        if (!File.Exists(Path.Combine(FunctionsDirectory, "host.json")))
        {
            // functions/ has no host.json yet (another branch writes it): package from a stand-in
            // tree with a host.json and two functions, one of them nested a level deeper.
            FunctionsDirectory = Path.Combine(_scratch, "functions");
            await File.WriteAllTextAsync(Path.Combine(Directory.CreateDirectory(FunctionsDirectory).FullName, "host.json"), StandInHostJson);
            await WriteFunctionAsync(
                "PurgeExpired",
                """{ "bindings": [ { "type": "timerTrigger", "direction": "in", "name": "timer", "schedule": "0 */10 * * * *" } ] }""");
            await WriteFunctionAsync(
                Path.Combine("Queues", "IngestReports"),
                """{ "bindings": [ { "type": "queueTrigger", "direction": "in", "name": "report", "queueName": "reports", "connection": "AzureWebJobsStorage" } ] }""");
        }

        FunctionFolders = Directory.EnumerateFiles(FunctionsDirectory, "function.json", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(FunctionsDirectory, Path.GetDirectoryName(f)!))
            .Where(d => !d.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj" or "node_modules"))
            .Order(StringComparer.Ordinal)
            .ToList();

        if (Environment.GetEnvironmentVariable("CLOUDWG_PACKAGE_DIR") is { Length: > 0 } built && FunctionsDirectory == RepositoryLayout.FunctionsDirectory)
        {
            OutputDirectory = built;
            Assert.True(File.Exists(Zip), $"CLOUDWG_PACKAGE_DIR is set but holds no {Zip}");
        }
        else
        {
            OutputDirectory = Path.Combine(_scratch, "out");
            PackageRun = await ProcessRunner.RunAsync(
                "bash",
                [Path.Combine(RepositoryLayout.InfraDirectory, "package.sh"), "--out", OutputDirectory, "--functions-dir", FunctionsDirectory],
                TimeSpan.FromMinutes(20),
                CancellationToken.None);
            Assert.True(PackageRun.ExitCode == 0, "infra/package.sh failed: " + PackageRun.Describe());
        }

        // .NET restores the Unix modes stored in the zip, as the platform's unzip does.
        ZipFile.ExtractToDirectory(Zip, Unpacked);
    }

    private async Task WriteFunctionAsync(string folder, string functionJson)
    {
        var directory = Directory.CreateDirectory(Path.Combine(FunctionsDirectory, folder)).FullName;
        await File.WriteAllTextAsync(Path.Combine(directory, "function.json"), functionJson);
    }

    public ValueTask DisposeAsync()
    {
        Directory.Delete(_scratch, recursive: true);
        return ValueTask.CompletedTask;
    }
}

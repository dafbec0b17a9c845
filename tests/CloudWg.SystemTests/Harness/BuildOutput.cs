namespace CloudWg.SystemTests.Harness;

/// <summary>Finds the repository and the built control plane and agent next to this test's own build output.</summary>
public static class BuildOutput
{
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>Debug or Release, as this test assembly was built.</summary>
    public static string Configuration { get; } =
        AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";

    public static string ControlPlaneDirectory => Path.Combine(RepositoryRoot, "functions", "bin", Configuration, "net10.0");

    public static string ControlPlaneDll => Existing(Path.Combine(ControlPlaneDirectory, "CloudWg.Functions.dll"));

    public static string AgentDll => Existing(Path.Combine(RepositoryRoot, "edge-agent", "bin", Configuration, "net10.0", "cloudwg-agent.dll"));

    public static string Azurite => Existing(Path.Combine(RepositoryRoot, "node_modules", ".bin", "azurite"));

    /// <summary>The <c>dotnet</c> host running this test, to start the other .NET programs with.</summary>
    public static string DotNet => Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";

    private static string Existing(string path) =>
        File.Exists(path) ? path : throw new InvalidOperationException($"{path} is missing: build the solution (and run `npm ci` for Azurite) first.");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CloudWg.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Cannot find the repository root (CloudWg.sln) above " + AppContext.BaseDirectory);
    }
}

using System.Reflection;

namespace CloudWg.Infra.Tests.Support;

/// <summary>Paths the build passes in through assembly metadata (see the .csproj).</summary>
internal static class RepositoryLayout
{
    public static string Root { get; } = Metadata("CloudWg.RepositoryRoot");

    public static string InfraDirectory => Path.Combine(Root, "infra");

    public static string BicepDirectory => Path.Combine(InfraDirectory, "bicep");

    public static string MainBicep => Path.Combine(BicepDirectory, "main.bicep");

    public static string CompiledTemplate => Path.Combine(InfraDirectory, "azuredeploy.json");

    public static string FunctionsDirectory => Path.Combine(Root, "functions");

    /// <summary>The Bicep CLI from the restored NuGet package, made executable if the package
    /// extraction dropped the mode bits.</summary>
    public static string BicepExecutable
    {
        get
        {
            var path = Metadata("CloudWg.BicepExecutable");
            Assert.True(File.Exists(path), $"Bicep CLI not found at {path}: restore tests/CloudWg.Infra.Tests.");
            var mode = File.GetUnixFileMode(path);
            if (!mode.HasFlag(UnixFileMode.UserExecute))
            {
                File.SetUnixFileMode(path, mode | UnixFileMode.UserExecute);
            }

            return path;
        }
    }

    private static string Metadata(string key)
    {
        var value = typeof(RepositoryLayout).Assembly
            .GetCustomAttributes<AssemblyMetadataAttribute>()
            .SingleOrDefault(a => a.Key == key)?.Value;
        Assert.False(string.IsNullOrEmpty(value), $"Assembly metadata '{key}' is missing: the test project's build sets it.");
        return value!;
    }
}

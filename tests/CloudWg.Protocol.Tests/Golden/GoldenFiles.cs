using System.Runtime.CompilerServices;

namespace CloudWg.Protocol.Tests.Golden;

/// <summary>
/// Golden vectors live next to this file and are copied to the output. Set CLOUDWG_REGENERATE_GOLDEN=1 to rewrite
/// them from the current code (then review the diff: a changed canonical form breaks every deployed node).
/// </summary>
internal static class GoldenFiles
{
    public const string SigningKey = "signing-key.pem";
    public const string SigningKeyId = "golden-1";
    public const string CanonicalDesiredState = "desired-state.canonical.json";
    public const string DesiredStateSha256 = "desired-state.sha256";
    public const string DesiredStateJws = "desired-state.jws";
    public const string TrustBundle = "trust-bundle.json";

    public static bool Regenerate => Environment.GetEnvironmentVariable("CLOUDWG_REGENERATE_GOLDEN") == "1";

    public static byte[] ReadBytes(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Golden", name));

    public static string ReadText(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Golden", name));

    public static void Write(string name, byte[] content)
    {
        File.WriteAllBytes(Path.Combine(SourceDirectory(), name), content);
        File.WriteAllBytes(Path.Combine(AppContext.BaseDirectory, "Golden", name), content);
    }

    private static string SourceDirectory([CallerFilePath] string thisFile = "") => Path.GetDirectoryName(thisFile)!;
}

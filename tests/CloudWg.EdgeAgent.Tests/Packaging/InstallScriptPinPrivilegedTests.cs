using CloudWg.EdgeAgent.Tests.Fixtures;
using CloudWg.Tests.Shared;

namespace CloudWg.EdgeAgent.Tests.Packaging;

/// <summary>
/// install.sh with <c>--root-sha256</c> against a control plane serving HTTPS with a fleet-CA certificate. Root only:
/// the script refuses to run otherwise. The check runs before it installs anything, so a wrong pin changes nothing.
/// </summary>
[Trait("Category", "Privileged")]
public sealed class InstallScriptPinPrivilegedTests
{
    private static string Script => Path.Combine(Azurite.RepositoryRoot(), "edge-agent", "packaging", "install.sh");

    [Fact]
    public async Task A_wrong_root_pin_stops_the_script_before_it_installs_anything()
    {
        using var signer = new TestSigner();
        await using var server = await FakeControlPlane.StartHttpsAsync(signer.TrustBundle);
        var wrong = new string('b', 64);

        var result = await Run.TryAsync("sh", Script, "--control-url", server.Url, "--token", "good-token", "--root-sha256", wrong, "--no-start");

        Assert.False(result.Succeeded);
        Assert.Contains($"root certificate has SHA-256 {server.RootSha256.ToLowerInvariant()}, but --root-sha256 expects {wrong}", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("==>", result.StandardOutput, StringComparison.Ordinal);
        Assert.Empty(server.Enrollments);
    }
}

using CloudWg.EdgeAgent.Cli;
using CloudWg.EdgeAgent.Enrollment;
using CloudWg.EdgeAgent.Hosting;
using CloudWg.EdgeAgent.Infrastructure;
using CloudWg.EdgeAgent.Tests.Fixtures;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace CloudWg.EdgeAgent.Tests.Enrollment;

/// <summary>
/// <c>enroll --root-sha256</c> against a control plane on real HTTPS (Kestrel) with a server certificate from its own
/// fleet CA, which no system trust store knows.
/// </summary>
public sealed class PinnedEnrollmentTests : IAsyncLifetime
{
    private readonly TestSigner signer = new();
    private readonly TempDirectory dir = new();
    private FakeControlPlane server = null!;

    private string StateDir => Path.Combine(dir.Path, "state");

    public async ValueTask InitializeAsync() => server = await FakeControlPlane.StartHttpsAsync(signer.TrustBundle);

    public async ValueTask DisposeAsync()
    {
        await server.DisposeAsync();
        SqliteConnection.ClearAllPools();
        signer.Dispose();
        dir.Dispose();
    }

    private async Task<(int Code, string Output, string Error)> EnrollAsync(params string[] extra)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        string[] args = ["enroll", "--state-dir", StateDir, "--config", "/nonexistent.json", "--control-url", server.Url, "--token", "good-token", .. extra];
        var code = await AgentCli.InvokeAsync(args, output, error, TestContext.Current.CancellationToken);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task The_right_pin_enrolls_over_the_fleet_certificate_and_keeps_the_root()
    {
        // As the enrollment page may show it: lower case, with colons.
        var pin = string.Join(':', server.RootSha256.Chunk(2).Select(c => new string(c))).ToLowerInvariant();

        var (code, output, error) = await EnrollAsync("--root-sha256", pin);

        Assert.True(code == 0, error);
        Assert.Contains("Enrolled as node node-e", output, StringComparison.Ordinal);
        Assert.Single(server.Enrollments);
        using var core = AgentHost.BuildCore(new AgentHostSettings { StateDirectory = StateDir, ConfigFile = null });
        var identity = core.GetRequiredService<NodeIdentityStore>();
        Assert.Equal("node-e", identity.GetEnrollment()!.NodeId);
        Assert.Equal(server.Url, identity.GetEnrollment()!.ControlUrl);
        Assert.Equal(server.TrustBundle.RootCertificatesPem, identity.GetTrustBundle()!.RootCertificatesPem);

        // From then on the agent's own client trusts the pinned root from the trust bundle.
        using var http = AgentHttpClients.Create(identity);
        Assert.Null(await new ControlPlaneClient(http, server.Url).GetDesiredStateAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_wrong_pin_names_both_fingerprints_and_writes_nothing()
    {
        var wrong = new string('a', 64);

        var (code, _, error) = await EnrollAsync("--root-sha256", wrong);

        Assert.Equal(1, code);
        Assert.Contains($"root SHA-256 {server.RootSha256}", error, StringComparison.Ordinal);
        Assert.Contains($"--root-sha256 expects {wrong.ToUpperInvariant()}", error, StringComparison.Ordinal);
        Assert.Empty(server.Enrollments);
        Assert.False(Directory.Exists(StateDir), "a failed pin check must not create the state directory");
    }

    [Fact]
    public async Task Without_a_pin_the_private_root_is_not_trusted()
    {
        var (code, _, error) = await EnrollAsync();

        Assert.Equal(1, code);
        Assert.Contains($"Cannot reach the control plane at {server.Url}: its TLS certificate is not trusted here", error, StringComparison.Ordinal);
        Assert.Contains("--root-sha256", error, StringComparison.Ordinal);
        Assert.Empty(server.Enrollments);
        Assert.False(File.Exists(Path.Combine(StateDir, NodeIdentityStore.TlsKeyFile)));
    }

    [Fact]
    public async Task A_trust_bundle_with_another_root_is_refused_and_nothing_is_enrolled()
    {
        using var other = TestCa.Root("CN=Someone Else's Root");
        server.AnnouncedRootPem = other.Certificate.ExportCertificatePem();

        var (code, _, error) = await EnrollAsync("--root-sha256", server.RootSha256);

        Assert.Equal(1, code);
        Assert.Contains($"trust bundle names root SHA-256 {RootPin.Fingerprint(other.Certificate)}", error, StringComparison.Ordinal);
        Assert.Contains($"--root-sha256 expects {server.RootSha256}", error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(StateDir, NodeIdentityStore.TlsKeyFile)));
        Assert.False(File.Exists(Path.Combine(StateDir, NodeIdentityStore.CertificateFile)));
        using var core = AgentHost.BuildCore(new AgentHostSettings { StateDirectory = StateDir, ConfigFile = null });
        Assert.Null(core.GetRequiredService<NodeIdentityStore>().GetEnrollment());
        Assert.Null(core.GetRequiredService<NodeIdentityStore>().GetTrustBundle());
    }

    [Fact]
    public async Task A_pin_for_a_plain_http_url_is_refused()
    {
        await using var plain = new FakeControlPlane(signer.TrustBundle);
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await AgentCli.InvokeAsync(
            ["enroll", "--state-dir", StateDir, "--control-url", plain.Url, "--token", "good-token", "--root-sha256", plain.RootSha256], output, error, TestContext.Current.CancellationToken);

        Assert.Equal(1, code);
        Assert.Contains($"--control-url {plain.Url} is not https", error.ToString(), StringComparison.Ordinal);
        Assert.Empty(plain.Enrollments);
    }

    [Fact]
    public async Task A_malformed_pin_is_explained()
    {
        var (code, _, error) = await EnrollAsync("--root-sha256", "not-a-fingerprint");

        Assert.Equal(1, code);
        Assert.Contains("--root-sha256 must be the root certificate's SHA-256 fingerprint", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(StateDir));
    }
}

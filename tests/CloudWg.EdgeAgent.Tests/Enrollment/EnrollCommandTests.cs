using CloudWg.EdgeAgent.Cli;
using CloudWg.EdgeAgent.Enrollment;
using CloudWg.EdgeAgent.Hosting;
using CloudWg.EdgeAgent.State;
using CloudWg.EdgeAgent.Tests.Fixtures;
using CloudWg.EdgeAgent.WireGuard;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CloudWg.EdgeAgent.Tests.Enrollment;

public sealed class EnrollCommandTests : IAsyncLifetime
{
    private readonly TestSigner signer = new();
    private readonly TempDirectory dir = new();
    private FakeControlPlane server = null!;

    private string StateDir => Path.Combine(dir.Path, "state");

    public ValueTask InitializeAsync()
    {
        server = new FakeControlPlane(signer.TrustBundle);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await server.DisposeAsync();
        SqliteConnection.ClearAllPools();
        signer.Dispose();
        dir.Dispose();
    }

    private static async Task<(int Code, string Output, string Error)> CliAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await AgentCli.InvokeAsync(args, output, error, TestContext.Current.CancellationToken);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Enroll_generates_keys_on_the_node_and_pins_the_trust_bundle()
    {
        var (code, output, error) = await CliAsync("enroll", "--state-dir", StateDir, "--config", "/nonexistent.json", "--control-url", server.Url, "--token", "good-token");

        Assert.True(code == 0, error);
        Assert.Contains("Enrolled as node node-e", output, StringComparison.Ordinal);
        foreach (var file in new[] { "wireguard.key", "tls.key", "tls.crt", "agent.db" })
        {
            Assert.Equal(StateDirectory.SecretFileMode, File.GetUnixFileMode(Path.Combine(StateDir, file)));
        }

        var request = Assert.Single(server.Enrollments);
        var privateKey = WgKey.Parse(File.ReadAllText(Path.Combine(StateDir, "wireguard.key")).Trim());
        Assert.Equal(WgKeyPair.PublicKeyOf(privateKey).ToString(), request.WireguardPublicKey);
        Assert.DoesNotContain("PRIVATE", request.Csr, StringComparison.Ordinal);

        using var core = AgentHost.BuildCore(new AgentHostSettings { StateDirectory = StateDir, ConfigFile = null });
        var identity = core.GetRequiredService<NodeIdentityStore>();
        Assert.Equal("node-e", identity.GetEnrollment()!.NodeId);
        Assert.Equal(signer.Signer.KeyId, identity.GetTrustBundle()!.Keys.Single().Kid);
        using var certificate = identity.LoadClientCertificate();
        Assert.NotNull(certificate);
        Assert.True(certificate.HasPrivateKey);

        var (statusCode, json, _) = await CliAsync("status", "--state-dir", StateDir, "--json");
        Assert.Equal(0, statusCode);
        Assert.Contains("\"enrolled\": true", json, StringComparison.Ordinal);
        Assert.DoesNotContain("sig=", json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Used_token_is_explained_and_nothing_is_enrolled()
    {
        server.ValidTokens.Clear();
        var (code, _, error) = await CliAsync("enroll", "--state-dir", StateDir, "--control-url", server.Url, "--token", "good-token");

        Assert.Equal(1, code);
        Assert.Contains("token was refused", error, StringComparison.Ordinal);
        Assert.Contains("already used", error, StringComparison.Ordinal);
        Assert.Contains("create a new one", error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(StateDir, "tls.key")));
        Assert.Contains("Not enrolled", (await CliAsync("status", "--state-dir", StateDir)).Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unreachable_control_plane_is_explained()
    {
        var (code, _, error) = await CliAsync("enroll", "--state-dir", StateDir, "--control-url", "http://127.0.0.1:9", "--token", "good-token");
        Assert.Equal(1, code);
        Assert.Contains("Cannot reach the control plane at http://127.0.0.1:9", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_control_url_is_explained()
    {
        var (code, _, error) = await CliAsync("enroll", "--state-dir", StateDir, "--control-url", "cloudwg.example", "--token", "t");
        Assert.Equal(1, code);
        Assert.Contains("--control-url must be an absolute http(s) URL", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Clock_skew_is_explained_and_nothing_is_enrolled()
    {
        using var core = AgentHost.BuildCore(new AgentHostSettings { StateDirectory = StateDir, ConfigFile = null });
        var skewed = new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(2));
        var enroller = new Enroller(core.GetRequiredService<AgentStateStore>(), core.GetRequiredService<NodeIdentityStore>(), skewed, TextWriter.Null);
        using var http = new HttpClient();

        var e = await Assert.ThrowsAsync<ControlPlaneException>(() => enroller.EnrollAsync(server.Url, "good-token", http, TestContext.Current.CancellationToken));
        Assert.Contains("clock", e.Message, StringComparison.Ordinal);
        Assert.Null(core.GetRequiredService<NodeIdentityStore>().GetEnrollment());
    }

    [Fact]
    public async Task Unwritable_state_directory_is_explained()
    {
        var file = Path.Combine(dir.Path, "a-file");
        await File.WriteAllTextAsync(file, "x", TestContext.Current.CancellationToken);
        var (code, _, error) = await CliAsync("enroll", "--state-dir", Path.Combine(file, "state"), "--control-url", server.Url, "--token", "good-token");
        Assert.Equal(1, code);
        Assert.Contains("Cannot create the state directory", error, StringComparison.Ordinal);
        Assert.Contains("--state-dir", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Second_enrollment_is_refused()
    {
        Assert.Equal(0, (await CliAsync("enroll", "--state-dir", StateDir, "--control-url", server.Url, "--token", "good-token")).Code);
        server.ValidTokens.Add("second");
        var (code, _, error) = await CliAsync("enroll", "--state-dir", StateDir, "--control-url", server.Url, "--token", "second");
        Assert.Equal(1, code);
        Assert.Contains("already enrolled as node-e", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Version_is_printed()
    {
        var (code, output, _) = await CliAsync("--version");
        // In-process the entry assembly is the test host; the published binary prints its own version.
        Assert.Equal(0, code);
        Assert.Matches(@"^\d+\.\d+\.\d+", output.Trim());
    }
}

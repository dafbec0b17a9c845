using CloudWg.EdgeAgent.Cli;
using CloudWg.EdgeAgent.Enrollment;
using CloudWg.EdgeAgent.Hosting;
using CloudWg.EdgeAgent.State;
using CloudWg.EdgeAgent.Tests.Fixtures;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace CloudWg.EdgeAgent.Tests.Offline;

/// <summary><c>cloudwg-agent apply --file</c> (air-gapped): verifies, applies to a real device, and rejects a tampered file.</summary>
[Trait("Category", "Privileged")]
public sealed class ApplyFilePrivilegedTests
{
    [Fact]
    public async Task Apply_file_configures_the_interface_and_rejects_a_tampered_file()
    {
        var ct = TestContext.Current.CancellationToken;
        using var signer = new TestSigner();
        using var dir = new TempDirectory();
        await using var pair = await WireGuardPair.CreateAsync();
        var stateDir = Path.Combine(dir.Path, "state");
        var config = Path.Combine(dir.Path, "agent.json");
        await File.WriteAllTextAsync(config, $"{{\"WireGuard\":{{\"NetworkNamespace\":\"{pair.Node.Name}\"}}}}", ct);
        using (var core = AgentHost.BuildCore(new AgentHostSettings { StateDirectory = stateDir, ConfigFile = config }))
        {
            var identity = core.GetRequiredService<NodeIdentityStore>();
            StateDirectory.WriteSecret(Path.Combine(stateDir, "wireguard.key"), pair.NodePrivateKey.ToString());
            identity.SaveTrustBundle(signer.TrustBundle);
            var expires = DateTimeOffset.UtcNow.AddDays(30);
            identity.SaveEnrollment(new AgentEnrollment("node-f", "http://127.0.0.1:9", "http://127.0.0.1:9/q?s", expires, "http://127.0.0.1:9/b?s", expires, "http://127.0.0.1:9/r?s", expires, DateTimeOffset.UtcNow, expires));
        }

        SqliteConnection.ClearAllPools();
        var peer = TestStates.NewPublicKey();
        var jws = await signer.SignAsync(TestStates.Node("node-f", 7, pair.NodeInterface, [TestStates.Peer(peer, "10.99.0.9/32")]));
        var good = Path.Combine(dir.Path, "desired.jws");
        await File.WriteAllTextAsync(good, jws, ct);

        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await AgentCli.InvokeAsync(["apply", "--file", good, "--state-dir", stateDir, "--config", config], output, error, ct);

        Assert.True(code == 0, output + error.ToString());
        Assert.Contains("Accepted version 7", output.ToString(), StringComparison.Ordinal);
        Assert.Contains($"peer {peer} added", output.ToString(), StringComparison.Ordinal);
        Assert.Equal([peer.ToString()], (await pair.DumpNodePeersAsync()).Keys);

        var tampered = Path.Combine(dir.Path, "tampered.jws");
        var parts = jws.Split('.');
        parts[2] = parts[2][..^2] + (parts[2][^2] == 'A' ? "BA" : "AA");
        await File.WriteAllTextAsync(tampered, string.Join('.', parts), ct);
        using var output2 = new StringWriter();
        Assert.Equal(1, await AgentCli.InvokeAsync(["apply", "--file", tampered, "--state-dir", stateDir, "--config", config], output2, TextWriter.Null, ct));
        Assert.Contains("Rejected (jws", output2.ToString(), StringComparison.Ordinal);
        Assert.Equal([peer.ToString()], (await pair.DumpNodePeersAsync()).Keys);

        using var status = new StringWriter();
        Assert.Equal(0, await AgentCli.InvokeAsync(["status", "--state-dir", stateDir, "--config", config], status, TextWriter.Null, ct));
        Assert.Contains("Rejected inputs: 1", status.ToString(), StringComparison.Ordinal);
        Assert.Contains("accepted v7, applied v7", status.ToString(), StringComparison.Ordinal);
        SqliteConnection.ClearAllPools();
    }
}

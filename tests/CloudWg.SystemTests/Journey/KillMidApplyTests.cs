using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using CloudWg.SystemTests.Harness;

namespace CloudWg.SystemTests.Journey;

/// <summary>
/// Issue 7: killing the agent (SIGKILL) while it is bringing the device to a large desired state leaves the device
/// partially configured; restarting it converges to exactly the desired peers, with its nftables table in place.
/// </summary>
[Trait("Category", "Privileged")]
public sealed class KillMidApplyTests : IAsyncLifetime
{
    private const string NodeInterface = SystemStack.NodeInterface;
    private const int ListenPort = SystemStack.ListenPort;
    private const int PeerCount = 1000;
    private const int Parallelism = 6;

    private SystemStack? stack;

    public async ValueTask InitializeAsync() => stack = await SystemStack.CreateAsync("cwg-kill-");

    public async ValueTask DisposeAsync()
    {
        if (stack is not null)
        {
            await stack.DisposeAsync();
        }
    }

    [Fact]
    public async Task Agent_killed_while_converging_on_many_peers_converges_after_restart()
    {
        var (storage, controlPlane, network, agent) = (stack!.Storage, stack.ControlPlane, stack.Network, stack.Agent);
        var setupToken = await stack.StartAndReadSetupTokenAsync();

        using var api = new AdminApi(controlPlane.BaseUrl);
        await api.SetupAndLoginAsync(setupToken, "owner", "correct horse battery staple 42");

        // A /20 tunnel network: room for all the peers.
        var tunnelNetwork = $"10.{Random.Shared.Next(64, 128)}.{16 * Random.Shared.Next(0, 16)}.0/20";
        var node = await api.CreateNodeAsync(new { name = "kill-node", endpoint = network.NodeUnderlay, listenPort = ListenPort, ipv4Network = tunnelNetwork });
        var nodeId = AdminApi.Text(node, "id");
        var token = await api.CreateEnrollmentTokenAsync(nodeId);

        await agent.EnrollAsync(controlPlane.BaseUrl, token);
        agent.Start();
        string Diagnostics() => string.Join('\n', agent.Log(), controlPlane.Log(), storage.Log());

        // The agent has brought up the (empty) device before the peers start arriving.
        await Poll.UntilAsync("the node's interface", async () => await network.NodePeersAsync(NodeInterface) is not null, TimeSpan.FromMinutes(3), Diagnostics);

        // Many peers, created concurrently: each creation publishes a larger desired state that the agent applies.
        var keys = Enumerable.Range(0, PeerCount).Select(_ => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))).ToArray();
        var created = new ConcurrentBag<string>();
        var creations = Parallel.ForEachAsync(Enumerable.Range(0, PeerCount), new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = TestContext.Current.CancellationToken }, async (i, _) =>
        {
            await CreatePeerWithRetriesAsync(api, nodeId, $"peer-{i}", keys[i]);
            created.Add(keys[i]);
        });

        // Once the device holds a good part of the peers but not all of them, kill the agent hard (SIGKILL). A single
        // UAPI set is atomic to `wg show` (wireguard-go holds its IPC lock), so "mid-apply" is observed between the
        // agent's successive applies of ever larger desired states, with peer creations still arriving.
        IReadOnlyList<string> seen = [];
        await Poll.UntilAsync("the agent having applied a quarter of the peers", async () =>
        {
            if (creations.IsFaulted)
            {
                await creations;
            }

            seen = await network.NodePeersAsync(NodeInterface) ?? [];
            return seen.Count >= PeerCount / 4 && seen.Count < PeerCount;
        }, TimeSpan.FromMinutes(5), Diagnostics);
        await agent.StopAsync();
        var createdAtKill = created.Count;
        TestContext.Current.SendDiagnosticMessage($"Killed the agent with {seen.Count} of {PeerCount} peers on the device and {createdAtKill} created.");

        // The device is left partially configured: some of the peers, nothing else, and it stays so without the agent.
        await creations;
        var partial = await network.NodePeersAsync(NodeInterface) ?? throw new InvalidOperationException("The node's interface vanished with the agent.\n" + Diagnostics());
        Assert.NotEmpty(partial);
        Assert.True(partial.Count < PeerCount, $"The device already holds all {PeerCount} peers after the kill.");
        Assert.Subset(keys.ToHashSet(), partial.ToHashSet());

        // Restarted with the same state directory and settings, it converges to exactly the desired peers.
        agent.Start();
        var desired = keys.Order(StringComparer.Ordinal).ToArray();
        string[] actual = [];
        await Poll.UntilAsync($"exactly the {PeerCount} desired peers on the node's interface", async () =>
        {
            actual = [.. (await network.NodePeersAsync(NodeInterface) ?? []).Order(StringComparer.Ordinal)];
            return actual.SequenceEqual(desired);
        }, TimeSpan.FromMinutes(5), () => $"{actual.Length} peers on the device, {actual.Except(desired).Count()} unexpected.\n" + Diagnostics());

        var (code, _, error) = await Shell.RunAsync("ip", "netns", "exec", network.NodeNamespace, "nft", "list", "table", "inet", "cloudwg");
        Assert.True(code == 0, $"The agent's nftables table is missing from the node namespace: {error}\n{Diagnostics()}");
    }

    /// <summary>Concurrent creations on one node may contend on its address leases; retry those answers.</summary>
    private static async Task CreatePeerWithRetriesAsync(AdminApi api, string nodeId, string name, string publicKey)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await api.CreatePeerAsync(nodeId, new { name, publicKey });
                return;
            }
            catch (HttpRequestException e) when (attempt < 10 && e.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.PreconditionFailed or HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), TestContext.Current.CancellationToken);
            }
        }
    }
}

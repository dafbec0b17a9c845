using System.Security.Cryptography.X509Certificates;
using CloudWg.EdgeAgent.Enrollment;
using CloudWg.EdgeAgent.Inbox;
using CloudWg.EdgeAgent.Infrastructure;
using CloudWg.EdgeAgent.State;
using CloudWg.EdgeAgent.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace CloudWg.EdgeAgent.Tests.Enrollment;

public sealed class RenewalAndPullTests : IAsyncLifetime
{
    private readonly TestSigner signer = new();
    private FakeControlPlane server = null!;
    private AgentUnderTest agent = null!;

    public async ValueTask InitializeAsync()
    {
        server = new FakeControlPlane(signer.TrustBundle);
        agent = new AgentUnderTest(signer, null);
        using var http = new HttpClient();
        await new Enroller(agent.Store, agent.Identity, TimeProvider.System, TextWriter.Null)
            .EnrollAsync(server.Url, "good-token", http, TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        agent.Dispose();
        await server.DisposeAsync();
        signer.Dispose();
    }

    [Fact]
    public async Task Renewal_replaces_key_certificate_and_grants()
    {
        var before = agent.Identity.GetEnrollment()!;
        var keyBefore = await File.ReadAllTextAsync(Path.Combine(agent.Settings.StateDirectory, "tls.key"), TestContext.Current.CancellationToken);
        using var certBefore = agent.Identity.LoadClientCertificate()!;

        var renewed = await agent.Services.GetRequiredService<CredentialRenewer>().RenewAsync(TestContext.Current.CancellationToken);

        Assert.Equal(1, server.Renewals);
        Assert.Equal(before.NodeId, renewed.NodeId);
        Assert.NotEqual(keyBefore, await File.ReadAllTextAsync(Path.Combine(agent.Settings.StateDirectory, "tls.key"), TestContext.Current.CancellationToken));
        using var certAfter = agent.Identity.LoadClientCertificate()!;
        Assert.NotEqual(certBefore.SerialNumber, certAfter.SerialNumber);
        Assert.Equal(StateDirectory.SecretFileMode, File.GetUnixFileMode(Path.Combine(agent.Settings.StateDirectory, "tls.key")));
        Assert.Equal(renewed, agent.Identity.GetEnrollment());
    }

    [Fact]
    public void Renewal_is_due_when_a_third_of_the_lifetime_remains()
    {
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var enrollment = new AgentEnrollment("n", "http://x", "http://q?s", start.AddDays(300), "http://b?s", start.AddDays(300), "http://r?s", start.AddDays(300), start, start.AddDays(300));
        Assert.Equal(start.AddDays(200), enrollment.RenewalDueAt);
        Assert.Equal(start.AddDays(20), (enrollment with { InboxExpiresAt = start.AddDays(30) }).RenewalDueAt);
    }

    [Fact]
    public void Backoff_grows_with_jitter_up_to_the_maximum()
    {
        var backoff = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(8));
        var delays = Enumerable.Range(0, 6).Select(_ => backoff.Next().TotalSeconds).ToList();
        Assert.InRange(delays[0], 0.8, 1.2);
        Assert.InRange(delays[1], 1.6, 2.4);
        Assert.All(delays.Skip(3), d => Assert.InRange(d, 6.4, 9.6));
        backoff.Reset();
        Assert.InRange(backoff.Next().TotalSeconds, 0.8, 1.2);
    }

    [Fact]
    public async Task Pull_fallback_offers_the_published_state_to_the_intake()
    {
        var pull = ActivatorUtilities.CreateInstance<PullService>(agent.Services);
        Assert.Null(await pull.PullOnceAsync(TestContext.Current.CancellationToken));

        server.DesiredStateJws = await signer.SignAsync(TestStates.Node("node-e", 3, "wg0", []));
        var result = await pull.PullOnceAsync(TestContext.Current.CancellationToken);

        Assert.Equal(IntakeOutcome.Accepted, result!.Outcome);
        Assert.Equal("pull", agent.Store.GetLatestAccepted()!.Source);

        server.DesiredStateJws = await signer.SignAsync(TestStates.Node("node-other", 4, "wg0", []));
        Assert.Equal(IntakeOutcome.Rejected, (await pull.PullOnceAsync(TestContext.Current.CancellationToken))!.Outcome);
        Assert.Equal(3, agent.Store.GetLastAcceptedVersion());
    }

    [Fact]
    public void Issued_chain_is_stored_leaf_first()
    {
        var chain = new X509Certificate2Collection();
        chain.ImportFromPem(File.ReadAllText(Path.Combine(agent.Settings.StateDirectory, "tls.crt")));
        // Leaf, fleet CA, root: what the control plane returns.
        Assert.Equal(3, chain.Count);
        Assert.Equal("CN=CloudWg Test Fleet CA", chain[1].Subject);
        Assert.Equal("CN=CloudWg Test Root CA", chain[2].Subject);
        Assert.NotEqual(chain[0].Subject, chain[1].Subject);
    }
}

using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using CloudWg.EdgeAgent.Cli;
using CloudWg.EdgeAgent.Enrollment;
using CloudWg.EdgeAgent.Inbox;
using CloudWg.EdgeAgent.Infrastructure;
using CloudWg.EdgeAgent.State;
using CloudWg.EdgeAgent.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

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
    public async Task Renewal_and_pull_are_signed_with_the_node_key_and_the_renewed_key_signs_afterwards()
    {
        using var enrolled = agent.Identity.LoadLeafCertificate()!;
        server.DesiredStateJws = null;

        await agent.Services.GetRequiredService<CredentialRenewer>().RenewAsync(TestContext.Current.CancellationToken);
        await ActivatorUtilities.CreateInstance<PullService>(agent.Services).PullOnceAsync(TestContext.Current.CancellationToken);

        Assert.Empty(server.SignatureFailures);
        using var renewed = agent.Identity.LoadLeafCertificate()!;
        Assert.Equal(
            [("POST", "/api/agent/renew", enrolled.SerialNumber), ("GET", "/api/agent/desired-state", renewed.SerialNumber)],
            server.SignedRequests);
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
    public async Task A_renewal_interrupted_while_storing_leaves_a_matching_key_and_certificate()
    {
        var stateDirectory = agent.Settings.StateDirectory;
        using var before = agent.Identity.LoadClientCertificate()!;

        // Stopped after writing the new key, before the certificate: the old pair is still used.
        using (var orphan = NodeIdentityStore.NewTlsKey())
        {
            StateDirectory.WriteSecret(Path.Combine(stateDirectory, NodeIdentityStore.PendingTlsKeyFile), orphan.ExportPkcs8PrivateKeyPem());
        }

        using (var stillOld = agent.Identity.LoadClientCertificate()!)
        {
            Assert.Equal(before.SerialNumber, stillOld.SerialNumber);
        }

        // Stopped after writing the new certificate, before its key replaced the old one (previously: a key that did
        // not match the certificate, so every mutual-TLS call, renewal included, failed until the node was re-enrolled).
        using var key = NodeIdentityStore.NewTlsKey();
        var issued = await new ControlPlaneClient(agent.Services.GetRequiredService<AgentHttpClients>().ControlPlane, server.Url)
            .RenewAsync(NodeIdentityStore.CreateCsr(key, "node"), TestContext.Current.CancellationToken);
        StateDirectory.WriteSecret(Path.Combine(stateDirectory, NodeIdentityStore.PendingTlsKeyFile), key.ExportPkcs8PrivateKeyPem());
        agent.Identity.SaveCertificateChain(issued.CertificateChainPem);

        using var after = agent.Identity.LoadClientCertificate()!;
        Assert.NotEqual(before.SerialNumber, after.SerialNumber);
        Assert.True(after.HasPrivateKey);
        using var signing = agent.Identity.LoadTlsKey()!;
        Assert.Equal(key.ExportSubjectPublicKeyInfo(), signing.ExportSubjectPublicKeyInfo());

        // The next renewal completes normally and leaves no pending key behind.
        await agent.Services.GetRequiredService<CredentialRenewer>().RenewAsync(TestContext.Current.CancellationToken);
        Assert.False(File.Exists(Path.Combine(stateDirectory, NodeIdentityStore.PendingTlsKeyFile)));
        using var renewed = agent.Identity.LoadClientCertificate()!;
        Assert.NotEqual(after.SerialNumber, renewed.SerialNumber);
    }

    [Fact]
    public void Renew_before_brings_renewal_forward_but_never_later()
    {
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var enrollment = new AgentEnrollment("n", "http://x", "http://q?s", start.AddDays(300), "http://b?s", start.AddDays(300), "http://r?s", start.AddDays(300), start, start.AddDays(300));
        Assert.Equal(enrollment.RenewalDueAt, enrollment.RenewalDueWith(null));
        Assert.Equal(start.AddDays(50), enrollment.RenewalDueWith(TimeSpan.FromDays(250)));
        Assert.Equal(start.AddDays(200), enrollment.RenewalDueWith(TimeSpan.FromDays(10)));
    }

    [Fact]
    public async Task Renewal_service_renews_when_due_and_reports_a_refusal_without_losing_the_enrollment()
    {
        // A 1 h certificate and RenewBefore 59 min 58 s: due two seconds after each issuance.
        server.CertificateLifetime = TimeSpan.FromHours(1);
        server.ValidTokens.Add("second-token");
        using var node = new AgentUnderTest(signer, null, new()
        {
            ["Renewal:RenewBefore"] = "00:59:58",
            ["Renewal:RetryDelay"] = "00:00:01",
            ["Renewal:MaxRetryDelay"] = "00:00:01",
        });
        using (var http = new HttpClient())
        {
            await new Enroller(node.Store, node.Identity, TimeProvider.System, TextWriter.Null).EnrollAsync(server.Url, "second-token", http, TestContext.Current.CancellationToken);
        }

        AgentStatus Status() => StatusCommand.Collect(node.Settings.StateDirectory, node.Store, node.Identity, TimeSpan.Parse("00:59:58", CultureInfo.InvariantCulture));
        var enrolled = Status();
        Assert.NotNull(enrolled.CertificateSerial);
        Assert.Null(enrolled.LastRenewedAt);
        Assert.True(enrolled.RenewalDueAt < enrolled.CertificateExpiresAt - TimeSpan.FromMinutes(59));

        var service = ActivatorUtilities.CreateInstance<RenewalService>(node.Services);
        await service.StartAsync(TestContext.Current.CancellationToken);
        try
        {
            Assert.True(await Run.EventuallyAsync(() => Task.FromResult(Status().LastRenewedAt is not null), TimeSpan.FromSeconds(30)), "no renewal");
            var renewed = Status();
            Assert.NotEqual(enrolled.CertificateSerial, renewed.CertificateSerial);
            Assert.NotEqual(enrolled.CertificateSha256, renewed.CertificateSha256);
            Assert.Null(renewed.RenewalError);

            server.RefuseRenewals = "The client certificate has been revoked. The node must be enrolled again with a new token.";
            Assert.True(await Run.EventuallyAsync(() => Task.FromResult(Status().RenewalError is not null), TimeSpan.FromSeconds(30)), "no refusal reported");
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }

        var refused = Status();
        Assert.Contains("refused this node's certificate (401: The client certificate has been revoked.", refused.RenewalError, StringComparison.Ordinal);
        Assert.Contains("keeps serving its last desired state", refused.RenewalError, StringComparison.Ordinal);
        Assert.NotNull(refused.RenewalErrorAt);
        Assert.True(refused.Enrolled);
        Assert.NotNull(refused.LastRenewedAt);
        Assert.Contains("Renewal:         FAILING", StatusCommand.ToText(refused), StringComparison.Ordinal);
        using var stillHeld = node.Identity.LoadClientCertificate();
        Assert.NotNull(stillHeld);
        Assert.Equal(refused.CertificateSerial, stillHeld.SerialNumber);
    }

    [Fact]
    public async Task Renewed_credentials_that_are_already_due_wait_for_the_backoff_instead_of_spinning()
    {
        // RenewBefore longer than a certificate's whole lifetime: every certificate is due as soon as it is issued.
        server.CertificateLifetime = TimeSpan.FromHours(1);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = Options.Create(new RenewalOptions { RenewBefore = TimeSpan.FromDays(400), RetryDelay = TimeSpan.FromMinutes(1), MaxRetryDelay = TimeSpan.FromMinutes(1) });
        var service = new RenewalService(agent.Identity, agent.Services.GetRequiredService<CredentialRenewer>(), new RenewalTrigger(), options, time, NullLogger<RenewalService>.Instance);
        await service.StartAsync(TestContext.Current.CancellationToken);
        try
        {
            Assert.True(await Run.EventuallyAsync(() => Task.FromResult(server.Renewals == 1), TimeSpan.FromSeconds(30)), "no renewal");
            // No time passes on the service's clock: it must not renew again (without the guard it would, at once and forever).
            await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
            Assert.Equal(1, server.Renewals);

            time.Advance(TimeSpan.FromMinutes(2));
            Assert.True(await Run.EventuallyAsync(() => Task.FromResult(server.Renewals == 2), TimeSpan.FromSeconds(30)), "no renewal after the backoff");
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }
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

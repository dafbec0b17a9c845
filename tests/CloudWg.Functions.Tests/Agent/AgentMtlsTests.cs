using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Azure.Data.Tables;
using CloudWg.Functions.Agent;
using CloudWg.Functions.Audit;
using CloudWg.Functions.Enrollment;
using CloudWg.Functions.Pki;
using CloudWg.Functions.Storage;
using CloudWg.Functions.Tests.Pki;
using CloudWg.Protocol.Messages;
using CloudWg.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;

namespace CloudWg.Functions.Tests.Agent;

/// <summary>Agent endpoints over real mutual TLS on Kestrel (still accepted where Kestrel terminates TLS itself).</summary>
public sealed class AgentMtlsTests(AzuriteFixture azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Renewal_over_mtls_issues_a_new_certificate_and_sas_and_revocation_turns_it_into_401()
    {
        await using var app = await new PkiApp(azurite.ConnectionString).StartAsync();
        var (agent, nodeId, enrolled) = await EnrollAsync(app);
        using var certificate = agent.ClientCertificate(enrolled.CertificateChainPem);
        using var mtls = app.NewClient(certificate);
        using var newKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var response = await mtls.PostAsJsonAsync("/api/agent/renew", new RenewalRequest(agent.Csr(newKey)), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var renewed = (await response.Content.ReadFromJsonAsync<RenewalResponse>(Ct))!;
        Assert.Empty(renewed.Validate());
        using var leaf = X509Certificate2.CreateFromPem(renewed.CertificateChainPem[0]);
        Assert.Equal(newKey.ExportSubjectPublicKeyInfo(), leaf.PublicKey.ExportSubjectPublicKeyInfo());
        Assert.NotEqual(certificate.SerialNumber, leaf.SerialNumber);
        Assert.NotEqual(enrolled.Inbox.Url, renewed.Inbox.Url);

        Assert.Equal(HttpStatusCode.OK, (await AdminRevokeAsync(app, nodeId)).StatusCode);

        var afterRevocation = await mtls.PostAsJsonAsync("/api/agent/renew", new RenewalRequest(agent.Csr()), Ct);
        await AssertUnauthorized(afterRevocation, "revoked");
        using var renewedCertificate = CopyWithKey(leaf, newKey);
        using var renewedClient = app.NewClient(renewedCertificate);
        await AssertUnauthorized(await renewedClient.GetAsync("/api/agent/desired-state", Ct), "revoked");
    }

    [Fact]
    public async Task Renewal_audit_names_the_new_serial_and_the_one_it_was_made_with()
    {
        await using var app = await new PkiApp(azurite.ConnectionString).StartAsync();
        var (agent, nodeId, enrolled) = await EnrollAsync(app);
        using var certificate = agent.ClientCertificate(enrolled.CertificateChainPem);
        using var mtls = app.NewClient(certificate);
        using var renewed = await RenewAsync(mtls, agent);

        var audit = app.Services.GetRequiredService<IAuditLog>();
        var entry = Assert.Single((await audit.ListAsync(50, null, new AuditFilter(null, "node.renew", null, nodeId), Ct)).Items);
        Assert.Equal($"serial {renewed.SerialNumber}, previous serial {certificate.SerialNumber}", entry.Event.Detail);
    }

    [Fact]
    public async Task A_renewal_overtaken_by_a_revocation_hands_out_nothing_and_leaves_the_node_revoked()
    {
        RevokingNodeDirectory? directory = null;
        await using var app = await new PkiApp(azurite.ConnectionString, services: s => s.AddSingleton<INodeDirectory>(sp =>
            directory = new RevokingNodeDirectory(ActivatorUtilities.CreateInstance<TableNodeDirectory>(sp), sp))).StartAsync();
        var (agent, nodeId, enrolled) = await EnrollAsync(app);
        using var certificate = agent.ClientCertificate(enrolled.CertificateChainPem);
        using var mtls = app.NewClient(certificate);

        // The revocation runs after the renewal authenticated and before it issued anything.
        directory!.RevokeOnNextCheck = nodeId;
        var response = await mtls.PostAsJsonAsync("/api/agent/renew", new RenewalRequest(agent.Csr()), Ct);

        await AssertUnauthorized(response, "revoked");
        var certificates = app.Storage.Table("certificates");
        var rows = await certificates.QueryAsync<TableEntity>(e => e.PartitionKey == nodeId && e.RowKey != NodeCertificateStore.StateRowKey, cancellationToken: Ct).ToListAsync(Ct);
        Assert.Equal(2, rows.Count);
        Assert.All(rows, row => Assert.NotNull(row.GetDateTimeOffset("RevokedAt")));
        var node = await app.Storage.Table("nodes").GetEntityAsync<TableEntity>(nodeId, TableNodeDirectory.NodeRowKey, cancellationToken: Ct);
        Assert.Equal("revoked", node.Value.GetString("Status"));
        Assert.False(await app.Storage.Queues.GetQueueClient(app.Storage.Names.NodeQueue(nodeId)).ExistsAsync(Ct));
        var container = app.Storage.Blobs.GetBlobContainerClient(app.Storage.Names.NodeDesiredStateContainer(nodeId));
        Assert.Empty((await container.GetAccessPolicyAsync(cancellationToken: Ct)).Value.SignedIdentifiers);
    }

    [Fact]
    public async Task Renewal_keeps_the_certificate_it_was_made_with_and_revokes_older_ones()
    {
        await using var app = await new PkiApp(azurite.ConnectionString).StartAsync();
        var (agent, _, enrolled) = await EnrollAsync(app);
        using var first = agent.ClientCertificate(enrolled.CertificateChainPem);
        using var firstClient = app.NewClient(first);
        var second = await RenewAsync(firstClient, agent);
        using var secondClient = app.NewClient(second);

        // The first certificate survives one renewal (the response may have been lost) ...
        Assert.Equal(HttpStatusCode.NotFound, (await firstClient.GetAsync("/api/agent/desired-state", Ct)).StatusCode);
        using var third = await RenewAsync(secondClient, agent);
        using var thirdClient = app.NewClient(third);

        // ... but not two: only the newest and the one it was renewed with authenticate.
        await AssertUnauthorized(await firstClient.GetAsync("/api/agent/desired-state", Ct), "revoked");
        Assert.Equal(HttpStatusCode.NotFound, (await secondClient.GetAsync("/api/agent/desired-state", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await thirdClient.GetAsync("/api/agent/desired-state", Ct)).StatusCode);
        second.Dispose();
    }

    [Fact]
    public async Task A_new_enrollment_supersedes_the_certificate_and_sas_of_the_previous_install()
    {
        await using var app = await new PkiApp(azurite.ConnectionString).StartAsync();
        var (oldAgent, nodeId, oldEnrollment) = await EnrollAsync(app);
        using var oldCertificate = oldAgent.ClientCertificate(oldEnrollment.CertificateChainPem);
        using var oldClient = app.NewClient(oldCertificate);
        using var admin = app.NewClient(admin: "alice");
        using var anonymous = app.NewClient();
        var token = await PkiHttp.CreateTokenAsync(admin, nodeId);
        using var newAgent = new TestAgent();

        var response = await TestAgent.EnrollAsync(anonymous, newAgent.Request(token.Token));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await AssertUnauthorized(await oldClient.GetAsync("/api/agent/desired-state", Ct), "revoked");
        var oldInbox = new Azure.Storage.Queues.QueueClient(new Uri(oldEnrollment.Inbox.Url));
        Assert.Equal(403, (await Assert.ThrowsAsync<Azure.RequestFailedException>(() => oldInbox.PeekMessagesAsync(1, Ct))).Status);
        var fresh = (await response.Content.ReadFromJsonAsync<EnrollmentResponse>(Ct))!;
        await new Azure.Storage.Queues.QueueClient(new Uri(fresh.Inbox.Url)).PeekMessagesAsync(1, Ct);
    }

    [Fact]
    public async Task Desired_state_returns_the_nodes_latest_jws_or_404_before_the_first_publish()
    {
        await using var app = await new PkiApp(azurite.ConnectionString).StartAsync();
        var (agent, nodeId, enrolled) = await EnrollAsync(app);
        using var certificate = agent.ClientCertificate(enrolled.CertificateChainPem);
        using var mtls = app.NewClient(certificate);

        Assert.Equal(HttpStatusCode.NotFound, (await mtls.GetAsync("/api/agent/desired-state", Ct)).StatusCode);

        await app.Storage.Blobs.GetBlobContainerClient(app.Storage.Names.NodeDesiredStateContainer(nodeId))
            .GetBlobClient(StorageNames.DesiredStateBlobName).UploadAsync(BinaryData.FromString("header.payload.signature"), overwrite: true, Ct);
        var response = await mtls.GetAsync("/api/agent/desired-state", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(AgentEndpoints.JoseContentType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("header.payload.signature", await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task An_expired_certificate_gets_401()
    {
        await using var app = await new PkiApp(azurite.ConnectionString).StartAsync();
        var (agent, _, enrolled) = await EnrollAsync(app);
        using var certificate = agent.ClientCertificate(enrolled.CertificateChainPem);
        using var mtls = app.NewClient(certificate);
        Assert.Equal(HttpStatusCode.NotFound, (await mtls.GetAsync("/api/agent/desired-state", Ct)).StatusCode);

        app.Time.Advance(TimeSpan.FromDays(366));

        await AssertUnauthorized(await mtls.GetAsync("/api/agent/desired-state", Ct), "not valid");
    }

    [Fact]
    public async Task Without_a_certificate_or_with_a_foreign_one_agent_endpoints_answer_401()
    {
        await using var app = await new PkiApp(azurite.ConnectionString).StartAsync();
        using var anonymous = app.NewClient();
        await AssertUnauthorized(await anonymous.GetAsync("/api/agent/desired-state", Ct), "signed with the node's key");
        await AssertUnauthorized(await anonymous.PostAsJsonAsync("/api/agent/renew", new RenewalRequest("x"), Ct), "signed with the node's key");

        // Same subject and SAN as a real node certificate, but self-signed: not from the fleet CA.
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=n1", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddUri(new Uri("urn:cloudwg:node:n1"));
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        using var forged = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        using var forgedClient = app.NewClient(X509CertificateLoader.LoadPkcs12(forged.Export(X509ContentType.Pkcs12), null));
        await AssertUnauthorized(await forgedClient.GetAsync("/api/agent/desired-state", Ct), "not valid");

    }

    [Fact]
    public async Task A_forwarded_client_certificate_header_never_authenticates_even_behind_the_front_end()
    {
        // The template asks the front end for no client certificate, so a certificate in X-ARR-ClientCert can only
        // come from the caller, who needs nothing but a node's public certificate to put it there.
        await using var app = await new PkiApp(azurite.ConnectionString, new Dictionary<string, string?> { ["CloudWg:BehindFunctionsFrontEnd"] = "true" }).StartAsync();
        var (agent, _, enrolled) = await EnrollAsync(app);
        using var certificate = agent.ClientCertificate(enrolled.CertificateChainPem);
        using var anonymous = app.NewClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/agent/desired-state");
        request.Headers.Add("X-ARR-ClientCert", Convert.ToBase64String(certificate.RawData));

        await AssertUnauthorized(await anonymous.SendAsync(request, Ct), "signed with the node's key");
    }

    [Fact]
    public async Task Renewal_for_a_deleted_node_gives_404_and_recreates_nothing()
    {
        await using var app = await new PkiApp(azurite.ConnectionString).StartAsync();
        var (agent, nodeId, enrolled) = await EnrollAsync(app);
        using var certificate = agent.ClientCertificate(enrolled.CertificateChainPem);
        using var mtls = app.NewClient(certificate);
        await app.Storage.Table("nodes").DeleteEntityAsync(nodeId, "node", cancellationToken: Ct);
        var queue = app.Storage.Queues.GetQueueClient(app.Storage.Names.NodeQueue(nodeId));
        await queue.DeleteAsync(Ct);

        var response = await mtls.PostAsJsonAsync("/api/agent/renew", new RenewalRequest(agent.Csr()), Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.False(await queue.ExistsAsync(Ct));
    }

    [Fact]
    public async Task Renewal_with_a_bad_csr_gives_400_naming_csr()
    {
        await using var app = await new PkiApp(azurite.ConnectionString).StartAsync();
        var (agent, _, enrolled) = await EnrollAsync(app);
        using var certificate = agent.ClientCertificate(enrolled.CertificateChainPem);
        using var mtls = app.NewClient(certificate);
        using var rsa = RSA.Create(2048);

        foreach (var csr in new[] { "", "garbage", new CertificateRequest("CN=x", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).CreateSigningRequestPem() })
        {
            var response = await mtls.PostAsJsonAsync("/api/agent/renew", new RenewalRequest(csr), Ct);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
            Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty("csr", out _));
        }

        var notJson = await mtls.PostAsync("/api/agent/renew", new StringContent("{", System.Text.Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
    }

    internal static async Task<(TestAgent Agent, string NodeId, EnrollmentResponse Enrolled)> EnrollAsync(PkiApp app)
    {
        using var admin = app.NewClient(admin: "alice");
        using var anonymous = app.NewClient();
        var nodeId = await app.CreateNodeAsync();
        var token = await PkiHttp.CreateTokenAsync(admin, nodeId);
        var agent = new TestAgent();
        var response = await TestAgent.EnrollAsync(anonymous, agent.Request(token.Token));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (agent, nodeId, (await response.Content.ReadFromJsonAsync<EnrollmentResponse>(Ct))!);
    }

    private static async Task<X509Certificate2> RenewAsync(HttpClient mtls, TestAgent agent)
    {
        var response = await mtls.PostAsJsonAsync("/api/agent/renew", new RenewalRequest(agent.Csr()), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var renewed = (await response.Content.ReadFromJsonAsync<RenewalResponse>(Ct))!;
        return agent.ClientCertificate(renewed.CertificateChainPem);
    }

    internal static async Task<HttpResponseMessage> AdminRevokeAsync(PkiApp app, string nodeId)
    {
        using var admin = app.NewClient(admin: "alice");
        return await admin.PostAsync($"/api/nodes/{nodeId}/revoke", null, Ct);
    }

    private static X509Certificate2 CopyWithKey(X509Certificate2 certificate, ECDsa key)
    {
        using var withKey = certificate.CopyWithPrivateKey(key);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }

    internal static async Task AssertUnauthorized(HttpResponseMessage response, string detailContains)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Contains(detailContains, problem.RootElement.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The real node directory, which runs the real revocation when asked, to overtake a renewal in flight.</summary>
    private sealed class RevokingNodeDirectory(TableNodeDirectory inner, IServiceProvider services) : INodeDirectory
    {
        public string? RevokeOnNextCheck { get; set; }

        public async Task<bool> ExistsAsync(string nodeId, CancellationToken cancellationToken = default)
        {
            if (RevokeOnNextCheck == nodeId)
            {
                RevokeOnNextCheck = null;
                await services.GetRequiredService<NodeRevocation>().RevokeAsync(nodeId, cancellationToken: cancellationToken);
            }

            return await inner.ExistsAsync(nodeId, cancellationToken);
        }

        public Task RecordEnrollmentAsync(string nodeId, NodeEnrollment enrollment, CancellationToken cancellationToken = default) =>
            inner.RecordEnrollmentAsync(nodeId, enrollment, cancellationToken);

        public Task MarkRevokedAsync(string nodeId, DateTimeOffset revokedAt, CancellationToken cancellationToken = default) =>
            inner.MarkRevokedAsync(nodeId, revokedAt, cancellationToken);
    }
}

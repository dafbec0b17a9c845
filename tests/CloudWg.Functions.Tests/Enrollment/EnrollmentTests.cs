using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using CloudWg.Functions.Audit;
using CloudWg.Functions.Tests.Pki;
using CloudWg.Protocol.Messages;
using CloudWg.Tests.Shared;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;

namespace CloudWg.Functions.Tests.Enrollment;

public sealed class EnrollmentTests(AzuriteFixture azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Enrollment_returns_a_node_certificate_chain_trust_bundle_and_sas_and_records_the_node()
    {
        await using var app = await new PkiApp(azurite.ConnectionString).StartAsync();
        using var admin = app.NewClient(admin: "alice");
        using var anonymous = app.NewClient();
        var nodeId = await app.CreateNodeAsync();
        var token = await PkiHttp.CreateTokenAsync(admin, nodeId);
        Assert.Contains($"--token {token.Token}", token.InstallCommand, StringComparison.Ordinal);
        Assert.StartsWith("curl -fsSL ", token.InstallCommand, StringComparison.Ordinal);
        Assert.Contains(" https://127.0.0.1:", token.InstallCommand, StringComparison.Ordinal);
        Assert.Equal(app.Time.GetUtcNow() + TimeSpan.FromHours(1), token.ExpiresAt);
        using var agent = new TestAgent();

        var response = await TestAgent.EnrollAsync(anonymous, agent.Request(token.Token));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var enrolled = (await response.Content.ReadFromJsonAsync<EnrollmentResponse>(Ct))!;
        Assert.Empty(enrolled.Validate());
        Assert.Equal(nodeId, enrolled.NodeId);
        Assert.Equal(3, enrolled.CertificateChainPem.Count);
        using var leaf = X509Certificate2.CreateFromPem(enrolled.CertificateChainPem[0]);
        Assert.Equal(agent.TlsKey.ExportSubjectPublicKeyInfo(), leaf.PublicKey.ExportSubjectPublicKeyInfo());
        Assert.Equal(new DateTimeOffset(leaf.NotAfter.ToUniversalTime()), enrolled.CertificateExpiresAt);
        var root = Assert.Single(enrolled.TrustBundle.RootCertificatesPem!);
        Assert.Equal(enrolled.CertificateChainPem[2].Trim(), root.Trim());
        using var rootCertificate = X509Certificate2.CreateFromPem(root);
        Assert.Equal(rootCertificate.GetCertHashString(HashAlgorithmName.SHA256), token.RootCertificateSha256);
        Assert.Single(enrolled.TrustBundle.Keys);

        var node = (await app.Storage.Table("nodes").GetEntityAsync<TableEntity>(nodeId, "node", cancellationToken: Ct)).Value;
        Assert.Equal(agent.WireGuardPublicKey, node.GetString("PublicKey"));
        Assert.Equal(leaf.SerialNumber, node.GetString("CertificateSerial"));
        Assert.Equal(leaf.GetCertHashString(HashAlgorithmName.SHA256), node.GetString("CertificateThumbprint"));
        Assert.Equal("enrolled", node.GetString("Status"));
        Assert.Equal("edge-1.example.net", node.GetString("Hostname"));

        var audit = await app.Services.GetRequiredService<IAuditLog>().ListAsync(50, null, new AuditFilter(NodeId: nodeId), Ct);
        Assert.Contains(audit.Items, e => e.Event.Action == "node.enrollment.create" && e.Event.Actor == "alice");
        Assert.Contains(audit.Items, e => e.Event.Action == "node.enroll" && e.Event.Outcome == "success");
        Assert.DoesNotContain(audit.Items, e => e.ToString().Contains(token.Token, StringComparison.Ordinal));
        var stored = await app.Storage.Table("enrollments").QueryAsync<TableEntity>(cancellationToken: Ct).ToListAsync(Ct);
        Assert.DoesNotContain(stored, e => e.PartitionKey.Contains(token.Token, StringComparison.Ordinal) || e.Any(kv => kv.Value?.ToString()?.Contains(token.Token, StringComparison.Ordinal) == true));
    }

    [Fact]
    public async Task A_used_token_is_rejected()
    {
        await using var app = await new PkiApp(azurite.ConnectionString).StartAsync();
        using var admin = app.NewClient(admin: "alice");
        using var anonymous = app.NewClient();
        var token = await PkiHttp.CreateTokenAsync(admin, await app.CreateNodeAsync());
        using var agent = new TestAgent();
        Assert.Equal(HttpStatusCode.OK, (await TestAgent.EnrollAsync(anonymous, agent.Request(token.Token))).StatusCode);

        var again = await TestAgent.EnrollAsync(anonymous, agent.Request(token.Token));

        await AssertRejected(again, "used");
    }

    [Fact]
    public async Task An_expired_token_is_rejected()
    {
        await using var app = await new PkiApp(azurite.ConnectionString).StartAsync();
        using var admin = app.NewClient(admin: "alice");
        using var anonymous = app.NewClient();
        var token = await PkiHttp.CreateTokenAsync(admin, await app.CreateNodeAsync());
        app.Time.Advance(TimeSpan.FromHours(1));
        using var agent = new TestAgent();

        var response = await TestAgent.EnrollAsync(anonymous, agent.Request(token.Token));

        await AssertRejected(response, "expired");
    }

    [Fact]
    public async Task An_unknown_token_is_rejected()
    {
        await using var app = await new PkiApp(azurite.ConnectionString).StartAsync();
        using var anonymous = app.NewClient();
        using var agent = new TestAgent();

        var response = await TestAgent.EnrollAsync(anonymous, agent.Request("not-a-real-token"));

        await AssertRejected(response, "unknown");
    }

    [Fact]
    public async Task Two_concurrent_enrollments_with_one_token_exactly_one_succeeds()
    {
        await using var app = await new PkiApp(azurite.ConnectionString).StartAsync();
        using var admin = app.NewClient(admin: "alice");
        var token = await PkiHttp.CreateTokenAsync(admin, await app.CreateNodeAsync());
        using var clientA = app.NewClient();
        using var clientB = app.NewClient();
        using var agentA = new TestAgent();
        using var agentB = new TestAgent();
        using var start = new ManualResetEventSlim();

        var a = Task.Run(() => { start.Wait(Ct); return TestAgent.EnrollAsync(clientA, agentA.Request(token.Token)); }, Ct);
        var b = Task.Run(() => { start.Wait(Ct); return TestAgent.EnrollAsync(clientB, agentB.Request(token.Token)); }, Ct);
        start.Set();
        var statuses = (await Task.WhenAll(a, b)).Select(r => r.StatusCode).Order().ToList();

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Unauthorized], statuses);
    }

    [Fact]
    public async Task Tokens_created_before_a_revocation_are_void_and_a_new_token_enrolls_again()
    {
        await using var app = await new PkiApp(azurite.ConnectionString).StartAsync();
        using var admin = app.NewClient(admin: "alice");
        using var anonymous = app.NewClient();
        var nodeId = await app.CreateNodeAsync();
        var spare = await PkiHttp.CreateTokenAsync(admin, nodeId);
        app.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/nodes/{nodeId}/revoke", null, Ct)).StatusCode);
        using var agent = new TestAgent();

        await AssertRejected(await TestAgent.EnrollAsync(anonymous, agent.Request(spare.Token)), "expired");

        app.Time.Advance(TimeSpan.FromSeconds(1));
        var fresh = await PkiHttp.CreateTokenAsync(admin, nodeId);
        Assert.Equal(HttpStatusCode.OK, (await TestAgent.EnrollAsync(anonymous, agent.Request(fresh.Token))).StatusCode);
    }

    [Fact]
    public async Task Bad_input_gives_400_naming_each_field()
    {
        await using var app = await new PkiApp(azurite.ConnectionString).StartAsync();
        using var anonymous = app.NewClient();
        using var rsa = RSA.Create(2048);
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        using var agent = new TestAgent();
        var tampered = agent.Csr().Replace("CN=agent", "CN=agent", StringComparison.Ordinal);
        var der = Convert.FromBase64String(string.Concat(tampered.Split('\n').Where(l => !l.StartsWith("-----", StringComparison.Ordinal))));
        der[^5] ^= 0x55; // corrupt the signature
        var badSignature = PemEncoding.WriteString("CERTIFICATE REQUEST", der);

        var cases = new (EnrollmentRequest Request, string Field)[]
        {
            (agent.Request("") with { }, "token"),
            (agent.Request("t") with { Csr = "" }, "csr"),
            (agent.Request("t") with { Csr = "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----" }, "csr"),
            (agent.Request("t") with { Csr = new CertificateRequest("CN=x", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).CreateSigningRequestPem() }, "csr"),
            (agent.Request("t") with { Csr = new CertificateRequest("CN=x", p384, HashAlgorithmName.SHA384).CreateSigningRequestPem() }, "csr"),
            (agent.Request("t") with { Csr = badSignature }, "csr"),
            (agent.Request("t") with { WireguardPublicKey = "not-a-key" }, "wireguardPublicKey"),
            (agent.Request("t") with { WireguardPublicKey = Convert.ToBase64String(new byte[31]) }, "wireguardPublicKey"),
            (agent.Request("t") with { Hostname = "bad host\n" }, "hostname"),
            (agent.Request("t") with { AgentVersion = new string('v', 65) }, "agentVersion"),
        };
        foreach (var (request, field) in cases)
        {
            var response = await TestAgent.EnrollAsync(anonymous, request);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
            Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(field, out _), $"expected an error for {field}: {problem.RootElement}");
        }

        foreach (var body in new[] { "", "{", "[]", "null", "{\"token\": 5}" })
        {
            var response = await anonymous.PostAsync("/api/agent/enroll", new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Ct);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }

        var huge = "{\"token\":\"" + new string('a', 2 * 1024 * 1024) + "\"}";
        // Expect: 100-continue and a patient client, so Kestrel's 413 arrives before the body is sent instead of racing it.
        using var patient = new HttpClient(new SocketsHttpHandler
        {
            Expect100ContinueTimeout = TimeSpan.FromSeconds(60),
            SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
        }) { BaseAddress = app.BaseAddress };
        using var oversized = new HttpRequestMessage(HttpMethod.Post, "/api/agent/enroll") { Content = new StringContent(huge, System.Text.Encoding.UTF8, "application/json") };
        oversized.Headers.ExpectContinue = true;
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await patient.SendAsync(oversized, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await anonymous.PostAsync("/api/agent/enroll", new StringContent("{}", System.Text.Encoding.UTF8, "text/plain"), Ct)).StatusCode);
    }

    [Fact]
    public async Task Admin_endpoints_need_an_admin_and_an_existing_node()
    {
        await using var app = await new PkiApp(azurite.ConnectionString).StartAsync();
        using var anonymous = app.NewClient();
        using var admin = app.NewClient(admin: "alice");
        var nodeId = await app.CreateNodeAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync($"/api/nodes/{nodeId}/enrollment", null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync($"/api/nodes/{nodeId}/revoke", null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync("/api/nodes/nosuchnode/enrollment", null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync("/api/nodes/nosuchnode/revoke", null, Ct)).StatusCode);
        foreach (var bad in new[] { "a%23b", "a%3Fb", "a%5Cb", new string('x', 300), "%C3%A9" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync($"/api/nodes/{bad}/enrollment", null, Ct)).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync($"/api/nodes/{bad}/revoke", null, Ct)).StatusCode);
        }
    }

    [Fact]
    public async Task Enrollment_attempts_are_rate_limited_per_client_address()
    {
        await using var app = await new PkiApp(azurite.ConnectionString, new Dictionary<string, string?> { ["CloudWg:Enrollment:AttemptsPerMinute"] = "3" }).StartAsync();
        using var anonymous = app.NewClient();
        using var agent = new TestAgent();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            statuses.Add((await TestAgent.EnrollAsync(anonymous, agent.Request("guess-" + i))).StatusCode);
        }

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], statuses);
    }

    private static async Task AssertRejected(HttpResponseMessage response, string reason)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(reason, problem.RootElement.GetProperty("reason").GetString());
    }
}

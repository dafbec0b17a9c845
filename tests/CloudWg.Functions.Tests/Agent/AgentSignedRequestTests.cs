using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using CloudWg.Functions.Agent;
using CloudWg.Functions.Audit;
using CloudWg.Functions.Tests.Pki;
using CloudWg.Protocol.HttpSignatures;
using CloudWg.Protocol.Messages;
using CloudWg.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;

namespace CloudWg.Functions.Tests.Agent;

/// <summary>
/// Agents authenticated by RFC 9421 signatures with their node key, no client certificate on the connection: what is
/// accepted, and each refusal with the reason it gives and the audit entry it leaves.
/// </summary>
public sealed class AgentSignedRequestTests(AzuriteFixture azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_signed_renewal_and_pull_succeed_without_a_client_certificate()
    {
        await using var app = await new PkiApp(azurite.ConnectionString).StartAsync();
        var (agent, _, enrolled) = await AgentMtlsTests.EnrollAsync(app);
        using var http = app.NewClient();
        var node = new SigningNode(agent.TlsKey, Leaf(enrolled.CertificateChainPem), app);
        using var newKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var renewal = await http.SendAsync(node.Sign(RenewRequest(agent.Csr(newKey))), Ct);

        Assert.Equal(HttpStatusCode.OK, renewal.StatusCode);
        var renewed = (await renewal.Content.ReadFromJsonAsync<RenewalResponse>(Ct))!;
        using var leaf = X509Certificate2.CreateFromPem(renewed.CertificateChainPem[0]);
        Assert.Equal(newKey.ExportSubjectPublicKeyInfo(), leaf.PublicKey.ExportSubjectPublicKeyInfo());
        Assert.False(renewal.Headers.Contains(NodeAuthenticationDefaults.ClockSkewHeader));

        // The renewed certificate signs the next request, with the new key.
        var next = new SigningNode(newKey, leaf.RawData, app);
        Assert.Equal(HttpStatusCode.NotFound, (await http.SendAsync(next.Sign(new HttpRequestMessage(HttpMethod.Get, "/api/agent/desired-state")), Ct)).StatusCode);
    }

    [Fact]
    public async Task A_replayed_request_is_refused_here_and_on_another_instance()
    {
        // Two instances behind one public URL, sharing storage and the CA.
        var publicUrl = new Uri("https://cp.example.test/");
        await using var first = await new PkiApp(azurite.ConnectionString, new Dictionary<string, string?> { ["CloudWg:Enrollment:PublicControlUrl"] = publicUrl.AbsoluteUri }).StartAsync();
        await using var second = await new PkiApp(azurite.ConnectionString, new Dictionary<string, string?>
        {
            ["CloudWg:Enrollment:PublicControlUrl"] = publicUrl.AbsoluteUri,
            ["CloudWg:Storage:Prefix"] = first.Prefix,
            ["CloudWg:StateDirectory"] = first.StateDirectory,
        }).StartAsync();
        var (agent, nodeId, enrolled) = await AgentMtlsTests.EnrollAsync(first);
        var node = new SigningNode(agent.TlsKey, Leaf(enrolled.CertificateChainPem), first, publicUrl: publicUrl);
        var original = node.Sign(new HttpRequestMessage(HttpMethod.Get, "/api/agent/desired-state"));
        using var firstHttp = first.NewClient();
        using var secondHttp = second.NewClient();

        Assert.Equal(HttpStatusCode.NotFound, (await firstHttp.SendAsync(Copy(original), Ct)).StatusCode);
        await AgentMtlsTests.AssertUnauthorized(await firstHttp.SendAsync(Copy(original), Ct), "already used");
        await AgentMtlsTests.AssertUnauthorized(await secondHttp.SendAsync(Copy(original), Ct), "already used");

        var audit = first.Services.GetRequiredService<IAuditLog>();
        var refusals = (await audit.ListAsync(50, null, new AuditFilter(null, "node.auth", null, nodeId), Ct)).Items;
        Assert.Equal(2, refusals.Count);
        Assert.All(refusals, r => Assert.Equal(("failure", $"node:{nodeId}"), (r.Event.Outcome, r.Event.Actor)));
        Assert.All(refusals, r => Assert.Contains("already used", r.Event.Detail, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Stale_and_future_signatures_are_refused_and_a_small_skew_is_reported()
    {
        await using var app = await new PkiApp(azurite.ConnectionString).StartAsync();
        var (agent, _, enrolled) = await AgentMtlsTests.EnrollAsync(app);
        using var http = app.NewClient();
        var certificate = Leaf(enrolled.CertificateChainPem);
        HttpRequestMessage Pull(TimeSpan offset) =>
            new SigningNode(agent.TlsKey, certificate, app, offset).Sign(new HttpRequestMessage(HttpMethod.Get, "/api/agent/desired-state"));

        await AgentMtlsTests.AssertUnauthorized(await http.SendAsync(Pull(TimeSpan.FromMinutes(-7)), Ct), "s old");
        await AgentMtlsTests.AssertUnauthorized(await http.SendAsync(Pull(TimeSpan.FromMinutes(2)), Ct), "in the future");

        var behind = await http.SendAsync(Pull(TimeSpan.FromMinutes(-3)), Ct);
        Assert.Equal(HttpStatusCode.NotFound, behind.StatusCode);
        Assert.Equal("-180", Assert.Single(behind.Headers.GetValues(NodeAuthenticationDefaults.ClockSkewHeader)));
        var ahead = await http.SendAsync(Pull(TimeSpan.FromSeconds(40)), Ct);
        Assert.Equal(HttpStatusCode.NotFound, ahead.StatusCode);
        Assert.Equal("40", Assert.Single(ahead.Headers.GetValues(NodeAuthenticationDefaults.ClockSkewHeader)));
    }

    [Fact]
    public async Task A_tampered_body_method_or_url_is_refused()
    {
        await using var app = await new PkiApp(azurite.ConnectionString).StartAsync();
        var (agent, _, enrolled) = await AgentMtlsTests.EnrollAsync(app);
        using var http = app.NewClient();
        var node = new SigningNode(agent.TlsKey, Leaf(enrolled.CertificateChainPem), app);

        // Another CSR under the original digest and signature: the digest no longer matches.
        var tampered = node.Sign(RenewRequest(agent.Csr()));
        tampered.Content = new StringContent(Encoding.UTF8.GetString(await tampered.Content!.ReadAsByteArrayAsync(Ct)).Replace("BEGIN", "BEGIn", StringComparison.Ordinal), Encoding.UTF8, "application/json");
        await AgentMtlsTests.AssertUnauthorized(await http.SendAsync(tampered, Ct), "does not match its Content-Digest");

        // Digest and body replaced together: the signature covers the digest.
        var swapped = node.Sign(RenewRequest(agent.Csr()));
        using var attacker = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var otherBody = Encoding.UTF8.GetBytes($"{{\"csr\":{System.Text.Json.JsonSerializer.Serialize(agent.Csr(attacker))}}}");
        swapped.Content = new ByteArrayContent(otherBody) { Headers = { ContentType = new("application/json") } };
        swapped.Headers.Remove(ContentDigest.HeaderName);
        swapped.Headers.Add(ContentDigest.HeaderName, ContentDigest.Sha256(otherBody));
        await AgentMtlsTests.AssertUnauthorized(await http.SendAsync(swapped, Ct), "does not verify");

        // A pull's signature sent to the renewal URL, or as another method.
        var pull = node.Sign(new HttpRequestMessage(HttpMethod.Get, "/api/agent/desired-state"));
        var redirected = Copy(pull);
        redirected.RequestUri = new Uri("/api/agent/desired-state?x=1", UriKind.Relative);
        await AgentMtlsTests.AssertUnauthorized(await http.SendAsync(redirected, Ct), "does not verify");
    }

    [Fact]
    public async Task Another_nodes_certificate_a_foreign_ca_and_a_revoked_certificate_are_refused()
    {
        await using var app = await new PkiApp(azurite.ConnectionString).StartAsync();
        var (agent, nodeId, enrolled) = await AgentMtlsTests.EnrollAsync(app);
        var (otherAgent, _, otherEnrolled) = await AgentMtlsTests.EnrollAsync(app);
        using var http = app.NewClient();
        var pull = () => new HttpRequestMessage(HttpMethod.Get, "/api/agent/desired-state");

        // Node B signs with its own key but presents node A's certificate.
        var impostor = new SigningNode(otherAgent.TlsKey, Leaf(enrolled.CertificateChainPem), app);
        await AgentMtlsTests.AssertUnauthorized(await http.SendAsync(impostor.Sign(pull()), Ct), "does not verify");

        // A certificate of the right shape from a CA of another fleet.
        await using (var otherFleet = await new PkiApp(azurite.ConnectionString).StartAsync())
        {
            var (foreignAgent, _, foreignEnrolled) = await AgentMtlsTests.EnrollAsync(otherFleet);
            var foreign = new SigningNode(foreignAgent.TlsKey, Leaf(foreignEnrolled.CertificateChainPem), app);
            await AgentMtlsTests.AssertUnauthorized(await http.SendAsync(foreign.Sign(pull()), Ct), "not valid for this fleet");
        }

        // Node B itself still works; node A once revoked does not.
        var b = new SigningNode(otherAgent.TlsKey, Leaf(otherEnrolled.CertificateChainPem), app);
        Assert.Equal(HttpStatusCode.NotFound, (await http.SendAsync(b.Sign(pull()), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await AgentMtlsTests.AdminRevokeAsync(app, nodeId)).StatusCode);
        var a = new SigningNode(agent.TlsKey, Leaf(enrolled.CertificateChainPem), app);
        await AgentMtlsTests.AssertUnauthorized(await http.SendAsync(a.Sign(pull()), Ct), "revoked");
    }

    [Theory]
    [InlineData("Signature", "cloudwg=:AAAA:", "does not verify")]
    [InlineData("Signature", "garbage", "malformed")]
    [InlineData("Signature-Input", "cloudwg=(\"@method\");created=1", "does not cover @target-uri")]
    [InlineData("CloudWg-Node-Certificate", ":AAAA:", "keyid does not name")]
    public async Task A_missing_or_malformed_signature_is_refused_with_the_reason(string header, string value, string reason)
    {
        await using var app = await new PkiApp(azurite.ConnectionString).StartAsync();
        var (agent, _, enrolled) = await AgentMtlsTests.EnrollAsync(app);
        using var http = app.NewClient();
        var request = new SigningNode(agent.TlsKey, Leaf(enrolled.CertificateChainPem), app).Sign(new HttpRequestMessage(HttpMethod.Get, "/api/agent/desired-state"));
        request.Headers.Remove(header);
        request.Headers.TryAddWithoutValidation(header, value);

        await AgentMtlsTests.AssertUnauthorized(await http.SendAsync(request, Ct), reason);
    }

    private static HttpRequestMessage RenewRequest(string csr) =>
        new(HttpMethod.Post, "/api/agent/renew") { Content = JsonContent.Create(new RenewalRequest(csr)) };

    private static byte[] Leaf(IReadOnlyList<string> chain)
    {
        using var leaf = X509Certificate2.CreateFromPem(chain[0]);
        return leaf.RawData;
    }

    private static HttpRequestMessage Copy(HttpRequestMessage request)
    {
        var copy = new HttpRequestMessage(request.Method, request.RequestUri);
        foreach (var header in request.Headers)
        {
            copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        return copy;
    }

    /// <summary>What the agent's signing handler does, with the test's clock (offset to play a node whose clock is off).</summary>
    private sealed class SigningNode(ECDsa key, byte[] certificate, PkiApp app, TimeSpan offset = default, Uri? publicUrl = null)
    {
        public HttpRequestMessage Sign(HttpRequestMessage request)
        {
            byte[]? body = null;
            if (request.Content is { } content)
            {
                body = content.ReadAsByteArrayAsync().GetAwaiter().GetResult();
                var type = content.Headers.ContentType;
                request.Content = new ByteArrayContent(body) { Headers = { ContentType = type } };
            }

            // The URI the agent calls: the app's own address, or the public URL in front of several instances.
            var target = new Uri(publicUrl ?? app.BaseAddress, request.RequestUri!);
            foreach (var (name, value) in NodeRequestSignature.Sign(request.Method.Method, target, body, key, certificate, app.Time.GetUtcNow() + offset))
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }

            return request;
        }
    }
}

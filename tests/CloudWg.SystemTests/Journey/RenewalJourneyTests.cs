using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Azure.Data.Tables;
using CloudWg.SystemTests.Harness;

namespace CloudWg.SystemTests.Journey;

/// <summary>
/// Certificate renewal end to end with requests signed by the node key: the real agent renews its node certificate
/// and SAS set where no client certificate can exist, over plain HTTP (no TLS at all) and behind a TLS-terminating
/// reverse proxy (real Caddy) that forwards none; it signs the next call with the renewed key, the pull fallback
/// answers, and when the node is revoked it reports the refusal while WireGuard keeps serving its cached state.
/// </summary>
[Trait("Category", "Privileged")]
public sealed partial class RenewalJourneyTests : IAsyncLifetime
{
    private const string NodeInterface = SystemStack.NodeInterface;

    private SystemStack? stack;

    public async ValueTask InitializeAsync() => stack = await SystemStack.CreateAsync("cwg-renew-");

    public async ValueTask DisposeAsync()
    {
        if (stack is not null)
        {
            await stack.DisposeAsync();
        }
    }

    [Fact]
    public Task Over_plain_http_the_agent_renews_pulls_and_keeps_serving_when_revoked() => RenewalJourneyAsync(behindProxy: false);

    [Fact]
    public Task Behind_a_tls_terminating_proxy_the_agent_renews_pulls_and_keeps_serving_when_revoked() => RenewalJourneyAsync(behindProxy: true);

    private async Task RenewalJourneyAsync(bool behindProxy)
    {
        var (storage, controlPlane, network, agent) = (stack!.Storage, stack.ControlPlane, stack.Network, stack.Agent);

        // The shortest node certificate the control plane allows (1 h), and an agent told to renew when less than
        // 59 min 55 s of it remain: a renewal a few seconds after each issuance, so the test sees a chain of them.
        controlPlane.Settings["CloudWg__Pki__NodeCertificateLifetime"] = "01:00:00";
        agent.Config["Renewal"] = new JsonObject
        {
            ["RenewBefore"] = "00:59:55",
            ["RetryDelay"] = "00:00:02",
            ["MaxRetryDelay"] = "00:00:05",
        };
        // The pull fallback every few seconds, so that its answers show within the test.
        agent.Config["Inbox"]!["PullInterval"] = "00:00:03";
        FrontEnd? frontEnd = null;
        if (behindProxy)
        {
            // A self-hosted control plane behind the operator's reverse proxy: it is told its public URL, and the
            // proxy's client-address header. The agent's host trusts the proxy's CA (as a VPS trusts a public one).
            frontEnd = FrontEnd.Create(stack.Root);
            stack.Disposables.Add(frontEnd);
            controlPlane.Settings["CloudWg__Enrollment__PublicControlUrl"] = frontEnd.Url.AbsoluteUri;
            controlPlane.Settings["CloudWg__Auth__ClientAddressHeader"] = "X-Client-IP";
            agent.Environment["SSL_CERT_FILE"] = frontEnd.CaFile;
        }

        var setupToken = await stack.StartAndReadSetupTokenAsync();
        if (frontEnd is not null)
        {
            await frontEnd.StartAsync(controlPlane.BaseUrl);
        }

        var controlUrl = frontEnd?.Url ?? controlPlane.BaseUrl;
        using var api = new AdminApi(controlPlane.BaseUrl);
        await api.SetupAndLoginAsync(setupToken, "owner", "correct horse battery staple 42");

        var node = await stack.CreateNodeAsync(api, "renewing-node", "10.78");
        var (nodeId, nodeTunnelAddress) = (node.Id, node.TunnelAddress);

        // Enrollment over plain HTTP or through the proxy: no connection the agent makes can carry a client certificate.
        await agent.EnrollAsync(controlUrl, await api.CreateEnrollmentTokenAsync(nodeId));
        var enrolled = await StatusAsync();
        Assert.Equal(controlUrl.AbsoluteUri.TrimEnd('/'), enrolled["controlUrl"]?.GetValue<string>());
        var enrolledSerial = AdminApi.Text(enrolled, "certificateSerial");

        agent.Start();
        string Diagnostics() => string.Join('\n', agent.Log(), controlPlane.Log(), frontEnd?.Log() ?? "", storage.Log());

        // A working tunnel, so there is a desired state to keep once the node is revoked.
        var clientPublic = (await stack.ConnectClientAsync(api, node, Diagnostics)).PublicKey;
        await PingsAsync("before any renewal");

        // Renewals as the control plane audits them: "serial NEW, previous serial OLD", OLD being the certificate
        // whose key signed the request. A renewal whose OLD was itself issued by a renewal proves the agent stored
        // the renewed key and certificate and signed the next request with them.
        var renewals = new Dictionary<string, string>();
        await Poll.UntilAsync("two chained renewals in the audit log (enrolled → renewed → renewed again)", async () =>
        {
            foreach (var entry in await api.AuditAsync("node.renew", nodeId))
            {
                if (entry["outcome"]?.GetValue<string>() == "success" && RenewalDetail().Match(entry["detail"]?.GetValue<string>() ?? "") is { Success: true } m)
                {
                    renewals[m.Groups["serial"].Value] = m.Groups["previous"].Value;
                }
            }

            return renewals.Values.Contains(enrolledSerial) && renewals.Values.Any(renewals.ContainsKey);
        }, diagnostics: () => Diagnostics() + "\n--- renewals (serial ← previous) ---\n" + string.Join('\n', renewals.Select(r => $"{r.Key} ← {r.Value}")));

        // The agent stores what it was issued: its certificate is a renewed one, with the key of its own new CSR.
        var renewed = await StatusAsync();
        var renewedSerial = AdminApi.Text(renewed, "certificateSerial");
        Assert.NotEqual(enrolledSerial, renewedSerial);
        Assert.NotNull(renewed["lastRenewedAt"]);
        Assert.Null(renewed["renewalError"]);

        // The pull fallback answered 200 with the node's desired state: signed GETs are accepted too.
        await Poll.UntilAsync("the pull fallback reaching the control plane", () => Task.FromResult(agent.Log().Contains("Pull fallback reached the control plane", StringComparison.Ordinal)), diagnostics: Diagnostics);
        Assert.Null((await StatusAsync())["pullError"]);
        Assert.DoesNotContain(await api.AuditAsync("node.auth", nodeId), e => e["outcome"]?.GetValue<string>() == "failure");
        Assert.NotEqual(enrolled["certificateSha256"]?.GetValue<string>(), renewed["certificateSha256"]?.GetValue<string>());

        // The control plane's certificate store recorded the renewals as such.
        var certificates = new TableClient(storage.ConnectionString, "certificates");
        Dictionary<string, TableEntity> CertificateRows() =>
            certificates.Query<TableEntity>(e => e.PartitionKey == nodeId, cancellationToken: TestContext.Current.CancellationToken).ToDictionary(e => e.RowKey);
        var rows = CertificateRows();
        Assert.Equal("enroll", rows[enrolledSerial].GetString("Reason"));
        Assert.All(renewals.Keys.Where(rows.ContainsKey), serial => Assert.Equal("renew", rows[serial].GetString("Reason")));
        Assert.True(rows.ContainsKey(renewedSerial), $"The agent's certificate {renewedSerial} is not in the control plane's store.");
        Assert.Equal(rows[renewedSerial].GetString("Thumbprint"), renewed["certificateSha256"]?.GetValue<string>());

        // Revocation: the next renewal is refused, the agent says so, and the tunnel keeps working on the cached state.
        var revocation = await api.RevokeNodeAsync(nodeId);
        Assert.NotEmpty(revocation["revokedSerials"]!.AsArray());
        var refused = new JsonObject();
        await Poll.UntilAsync("the agent reporting its renewal refused", async () =>
        {
            refused = await StatusAsync();
            return refused["renewalError"]?.GetValue<string>() is { } error && error.Contains("revoked", StringComparison.Ordinal);
        }, diagnostics: () => Diagnostics() + "\n--- status ---\n" + refused.ToJsonString());
        Assert.Contains("refused this node's certificate", refused["renewalError"]!.GetValue<string>(), StringComparison.Ordinal);
        // The refusal is audited with its reason, and the pull fallback reports the same in status.
        Assert.Contains(await api.AuditAsync("node.auth", nodeId), e => e["outcome"]?.GetValue<string>() == "failure" && (e["detail"]?.GetValue<string>() ?? "").Contains("revoked", StringComparison.Ordinal));
        await Poll.UntilAsync("the pull fallback reporting the refusal in status", async () =>
            (await StatusAsync())["pullError"]?.GetValue<string>()?.Contains("revoked", StringComparison.Ordinal) == true, diagnostics: Diagnostics);
        Assert.Contains("Pull fallback:   FAILING", await agent.StatusTextAsync(), StringComparison.Ordinal);
        // It keeps its identity (a revoked node is re-enrolled deliberately, not wiped) and its desired state.
        Assert.True(CertificateRows().ContainsKey(AdminApi.Text(refused, "certificateSerial")), "The agent no longer holds a certificate the control plane issued.");
        Assert.True(refused["enrolled"]!.GetValue<bool>());
        Assert.True(refused["appliedVersion"]!.GetValue<long>() > 0);
        Assert.NotEmpty(refused["cachedVersions"]!.AsArray());
        Assert.Contains("Renewal:         FAILING", await agent.StatusTextAsync(), StringComparison.Ordinal);
        await PingsAsync("after the node was revoked and its renewal refused", times: 3);
        Assert.Contains(clientPublic, await network.NodePeersAsync(NodeInterface) ?? []);

        async Task<JsonObject> StatusAsync() => JsonNode.Parse(await agent.StatusAsync())!.AsObject();

        async Task PingsAsync(string when, int times = 2) =>
            await Poll.UntilStableAsync($"pings from the client to {nodeTunnelAddress} {when}", () => network.PingAsync(nodeTunnelAddress), times,
                diagnostics: () => Diagnostics() + "\n--- wg show ---\n" + network.NodeShowAsync(NodeInterface).GetAwaiter().GetResult());
    }

    [GeneratedRegex("^serial (?<serial>[0-9A-F]+), previous serial (?<previous>[0-9A-F]+)$")]
    private static partial Regex RenewalDetail();
}

using System.Net;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using CloudWg.SystemTests.Harness;
using CloudWg.Tests.Shared.Azure;

namespace CloudWg.SystemTests.Journey;

/// <summary>
/// A rehearsal of the Deploy to Azure journey with what a user actually gets: the release package as
/// <c>make package</c> writes it, unzipped into an empty folder and started as the Functions host starts a custom
/// handler, configured only by the app settings of infra/azuredeploy.json; Azurite for the account and the Key Vault
/// fake (reached with the SDK's managed-identity credential through an App Service-style token endpoint) for the
/// vault; real Caddy as the front end (TLS terminated there, no client certificate, X-Client-IP set, the host's own
/// function paths not routed). Through it a new user loads the admin app in Chromium, creates the owner with the
/// setup token the deployment put in Key Vault, enrolls a node whose agent is the package's own NativeAOT binary, and
/// a WireGuard client pings through the tunnel it sets up.
/// </summary>
/// <remarks>
/// Not rehearsed (no Azure here): the real front end and Functions host, one deploy from packageUri, managed
/// identity against real Storage (Azurite takes the account key), role propagation. See infra/README.md.
/// </remarks>
[Trait("Category", "Privileged")]
public sealed class ShippedPackageJourneyTests : IAsyncLifetime
{
    private const string SetupToken = "deployment-generated-setup-token-2f61c0";
    private const string Username = "owner";
    private const string Password = "correct horse battery staple 42";

    private SystemStack? stack;

    public async ValueTask InitializeAsync() => stack = await SystemStack.CreateAsync("cwg-shipped-");

    public async ValueTask DisposeAsync()
    {
        if (stack is not null)
        {
            await stack.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_new_user_goes_from_the_deployed_package_to_a_working_tunnel()
    {
        var (storage, network, agent) = (stack!.Storage, stack.Network, stack.Agent);
        await storage.StartAsync();

        // The vault as the deployment leaves it: its two keys, the setup token and the storage key as secrets.
        var vault = await FakeKeyVault.StartAsync();
        stack.Disposables.Add(vault);
        vault.EnforceAppRoles = true;
        var settings = DeployedTemplate.AppSettings(vault.VaultUri);
        vault.DeployKey(settings["CloudWg__KeyVault__ConfigSigningKeyName"], "EC", "sign", "verify");
        vault.DeployKey(settings["CloudWg__KeyVault__DataKeyWrappingKeyName"], "RSA", "wrapKey", "unwrapKey");
        vault.Secrets[settings["CloudWg__SetupTokenSecretName"]] = SetupToken;
        vault.Secrets[settings["CloudWg__Storage__AccountKeySecretName"]] = PersistentAzurite.AccountKey;

        var frontEnd = FrontEnd.Create(stack.Root);
        stack.Disposables.Add(frontEnd);
        var controlPlane = await ShippedControlPlane.UnpackAsync(stack.Root);
        stack.Disposables.Add(controlPlane);

        // What the platform adds to the template's settings, and the stand-ins: Azurite takes a connection string (it
        // has no managed identity); the vault's certificate is the only one the app's TLS trusts, as a public CA would be.
        var trustFile = Path.Combine(stack.Root, "vault-ca.pem");
        await File.WriteAllTextAsync(trustFile, vault.CertificatePem, TestContext.Current.CancellationToken);
        var environment = new Dictionary<string, string>(settings)
        {
            ["AzureWebJobsStorage"] = storage.ConnectionString,
            ["WEBSITE_HOSTNAME"] = frontEnd.Url.Authority,
            ["CloudWg__KeyVault__DisableChallengeResourceVerification"] = "true",
            ["SSL_CERT_FILE"] = trustFile,
        };
        foreach (var (name, value) in await vault.StartManagedIdentityAsync())
        {
            environment[name] = value;
        }

        await controlPlane.StartAsync(environment, storage.ConnectionString);
        await frontEnd.StartAsync(controlPlane.HandlerUrl, ["republish", "expirepeers", "detectofflinenodes", "purgeauth", "ingestreports"]);
        string Diagnostics() => string.Join('\n', agent.Log(), controlPlane.Log(), frontEnd.Log(), storage.Log());

        // The admin app in Chromium, from the deployment's URL: setup with the vault's token, then sign-in.
        var browser = await Shell.RunAsync("node", [Path.Combine(BuildOutput.RepositoryRoot, "spa", "e2e", "first-login.mjs")], new Dictionary<string, string>
        {
            ["CLOUDWG_URL"] = frontEnd.Url.AbsoluteUri,
            ["CLOUDWG_SETUP_TOKEN"] = vault.Secrets[settings["CloudWg__SetupTokenSecretName"]],
            ["CLOUDWG_USERNAME"] = Username,
            ["CLOUDWG_PASSWORD"] = Password,
            ["CLOUDWG_SPKI"] = frontEnd.SpkiSha256,
        }, TimeSpan.FromMinutes(3));
        Assert.True(browser.ExitCode == 0, $"Chromium's first login failed:\n{browser.Output}\n{browser.Error}\n{Diagnostics()}");

        // The same owner through the front end's API, as the SPA uses it.
        using var api = new AdminApi(frontEnd.Url, frontEnd.Ca);
        await api.LoginAsync(Username, Password);
        var node = await stack.CreateNodeAsync(api, "first-node", "10.79");
        var enrollment = await api.CreateEnrollmentAsync(node.Id);
        Assert.Contains($"--control-url {frontEnd.Url.AbsoluteUri.TrimEnd('/')}", AdminApi.Text(enrollment, "installCommand"), StringComparison.Ordinal);

        // The install command's agent: the NativeAOT binary the package serves, on a host that trusts the front end.
        using (var http = frontEnd.NewClient())
        {
            var served = await http.GetByteArrayAsync(new Uri(frontEnd.Url, "api/agent/downloads/cloudwg-agent-linux-x64.tar.gz"), TestContext.Current.CancellationToken);
            Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(controlPlane.Directory, "agent", "cloudwg-agent-linux-x64.tar.gz"), TestContext.Current.CancellationToken), served);

            // The functions the host invokes itself are not reachable from outside.
            Assert.Equal(HttpStatusCode.NotFound, (await http.PostAsync(new Uri(frontEnd.Url, "Republish"), new StringContent("{}"), TestContext.Current.CancellationToken)).StatusCode);
        }

        agent.Executable = await controlPlane.ExtractAgentAsync(Path.Combine(stack.Root, "agent-bin"));
        agent.Environment["SSL_CERT_FILE"] = frontEnd.CaFile;
        await agent.EnrollAsync(frontEnd.Url, AdminApi.Text(enrollment, "token"));
        agent.Start();

        // A peer, and a WireGuard client that pings the node through the tunnel.
        await stack.ConnectClientAsync(api, node, Diagnostics);
        await Poll.UntilStableAsync($"pings from the client to {node.TunnelAddress}", () => network.PingAsync(node.TunnelAddress), times: 2,
            diagnostics: () => Diagnostics() + "\n--- wg show ---\n" + network.NodeShowAsync(SystemStack.NodeInterface).GetAwaiter().GetResult());

        // The node's signed reports arrive through the emulated queue trigger; a timer runs as the host invokes it.
        await Poll.UntilAsync("the node reported online with its desired version applied", async () =>
        {
            var current = await api.GetNodeAsync(node.Id);
            return current["status"]?.GetValue<string>() == "online"
                && current["appliedVersion"] is JsonValue a && a.TryGetValue<long>(out var applied)
                && current["desiredVersion"] is JsonValue d && d.TryGetValue<long>(out var desired) && applied == desired;
        }, TimeSpan.FromMinutes(3), Diagnostics);
        Assert.True(controlPlane.ReportsDelivered > 0);
        var timer = await controlPlane.InvokeTimerAsync("DetectOfflineNodes");
        Assert.NotNull(timer["Logs"]);

        // As deployed: keys and secrets came from the vault through the managed identity; the app created none and
        // wrote nothing into its package folder (a read-only mount in Azure); the client address is the front end's.
        Assert.True(vault.IdentityTokens.Count > 0, "the app never asked the managed-identity endpoint for a token");
        Assert.Equal(0, vault.Operations.GetValueOrDefault("create"));
        Assert.True(vault.Operations.GetValueOrDefault("sign") > 0);
        Assert.Empty(controlPlane.ChangedFiles());
        var audit = new TableClient(storage.ConnectionString, "audit");
        Assert.Contains(audit.Query<TableEntity>(cancellationToken: TestContext.Current.CancellationToken), e => e.GetString("Action") == "auth.login" && e.GetString("ClientAddress") == "127.0.0.1");
    }
}

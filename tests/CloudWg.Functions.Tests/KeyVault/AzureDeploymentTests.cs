using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Azure.Core;
using Azure.Data.Tables;
using CloudWg.Functions.Admins;
using CloudWg.Functions.Auth;
using CloudWg.Functions.KeyVault;
using CloudWg.Functions.Tests.Auth;
using CloudWg.Functions.Tests.Infrastructure;
using CloudWg.Tests.Shared;
using CloudWg.Tests.Shared.Azure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OtpNet;

namespace CloudWg.Functions.Tests.KeyVault;

/// <summary>
/// The control plane configured exactly as infra/azuredeploy.json configures the function app (its app settings,
/// read from the committed template), against a Key Vault that grants only the roles the template assigns and holds
/// only the keys and secrets the template creates. Two instances share storage and nothing else, like scaled-out
/// Flex Consumption instances with a read-only package mount.
/// </summary>
/// <remarks>
/// What stands in for Azure: Azurite takes a connection string (it has no managed identity), so the identity-based
/// storage settings are overridden by one; the vault is <see cref="FakeKeyVault"/> with a static token.
/// </remarks>
public sealed class AzureDeploymentTests(AzuriteFixture azurite)
{
    private const string Password = "correct horse battery staple";
    private const string SetupToken = "deployment-made-setup-token-0123456789";
    private const string PlatformHostName = "cloudwg-func-test.azurewebsites.net";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task As_deployed_the_first_owner_sets_up_totp_on_one_instance_and_signs_in_on_another_and_no_instance_writes_to_disk()
    {
        await using var vault = await DeployedVaultAsync();
        var clock = AuthTestSupport.NewClock();
        var prefix = Azurite.NewPrefix();
        await using var first = Instance(vault, prefix);
        await using var second = Instance(vault, prefix);
        var a = first.WithClock(clock);
        var b = second.WithClock(clock);

        // First login: the setup token is the Key Vault secret the deployment wrote.
        await a.Services.GetRequiredService<CloudWg.Functions.Setup.SetupTokenService>().EnsureTokenAsync(Ct);
        using var anonymous = a.CreateClient();
        var setup = await anonymous.PostAsJsonAsync("/api/setup", new { token = SetupToken, username = "owner", password = Password }, Ct);
        Assert.Equal(HttpStatusCode.Created, setup.StatusCode);

        var seed = await OwnerWithTotpAsync(a, clock, createOwner: false);

        // The other instance decrypts the seed the first one stored: both unwrapped the same data key.
        clock.Advance(TimeSpan.FromSeconds(30));
        using var ownerOnB = await SignInWithTotpAsync(b, seed, clock);
        Assert.Equal(HttpStatusCode.OK, (await ownerOnB.GetAsync("/api/auth/me", Ct)).StatusCode);

        // Publishing signs with the key the deployment created (the app may not create keys).
        var node = await ownerOnB.CreateNodeAsync();
        var preview = await ownerOnB.GetFromJsonAsync<JsonObject>($"/api/nodes/{(string)node["id"]!}/desired-state", Ct);
        Assert.True((bool)preview!["inSync"]!, preview.ToJsonString());
        Assert.True(vault.Operations.GetValueOrDefault("sign") > 0);

        // Enrolling a node creates the root and fleet CA in the vault (Certificates Officer may; keys come with them).
        var enrollment = await CloudWg.Functions.Tests.Pki.PkiHttp.CreateTokenAsync(ownerOnB, (string)node["id"]!);
        Assert.Matches("^[0-9A-F]{64}$", enrollment.RootCertificateSha256);
        // Agents get the function app's own HTTPS host (the platform's WEBSITE_HOSTNAME), not the loopback HTTP the app
        // listens on nor the Static Web App the admin came through.
        Assert.Contains($"https://{PlatformHostName}", enrollment.InstallCommand, StringComparison.Ordinal);
        Assert.DoesNotContain("http://", enrollment.InstallCommand, StringComparison.Ordinal);
        Assert.NotEmpty(vault.KeyVersions("cloudwg-root-ca"));
        Assert.NotEmpty(vault.KeyVersions("cloudwg-fleet-ca"));

        Assert.Equal(0, vault.Operations.GetValueOrDefault("create"));
        Assert.True(vault.Operations.GetValueOrDefault("wrapkey") >= 1);
        Assert.True(vault.Operations.GetValueOrDefault("unwrapkey") >= 1);
        Assert.Empty(Directory.GetFileSystemEntries(first.StateDirectory));
        Assert.Empty(Directory.GetFileSystemEntries(second.StateDirectory));

        // Storage holds the data key only wrapped, and the seed only encrypted.
        var table = await a.Services.GetRequiredService<AdminStore>().TableAsync(Ct);
        var dataKey = (await table.GetEntityAsync<TableEntity>(AdminStore.MetaPartition, KeyVaultDataKeySource.Row, cancellationToken: Ct)).Value;
        Assert.Equal(384, dataKey.GetBinary("WrappedKey")!.Length);
        Assert.StartsWith(vault.VaultUri.AbsoluteUri + "keys/cloudwg-data-kek/", dataKey.GetString("KeyId"), StringComparison.Ordinal);
        var owner = (await a.Services.GetRequiredService<AdminStore>().GetAsync("owner", Ct))!;
        Assert.DoesNotContain(Base32Encoding.ToString(seed).TrimEnd('='), owner.TotpSecret, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(seed), owner.TotpSecret, StringComparison.Ordinal);
    }

    [Fact]
    public async Task After_the_wrapping_key_is_rotated_the_data_key_is_rewrapped_and_the_old_version_can_be_disabled()
    {
        await using var vault = await DeployedVaultAsync();
        var clock = AuthTestSupport.NewClock();
        var prefix = Azurite.NewPrefix();
        var seed = await OwnerWithTotpOnAnEarlierInstanceAsync(vault, prefix, clock);

        var original = vault.KeyVersions("cloudwg-data-kek").Single();
        var rotated = vault.RotateKey("cloudwg-data-kek");

        // The next instance to load the data key re-wraps it with the current version.
        await using (var after = Instance(vault, prefix))
        {
            clock.Advance(TimeSpan.FromSeconds(30));
            using var session = await SignInWithTotpAsync(after.WithClock(clock), seed, clock);
            var table = await after.Services.GetRequiredService<AdminStore>().TableAsync(Ct);
            var row = (await table.GetEntityAsync<TableEntity>(AdminStore.MetaPartition, KeyVaultDataKeySource.Row, cancellationToken: Ct)).Value;
            Assert.EndsWith("/" + rotated, row.GetString("KeyId"), StringComparison.Ordinal);
        }

        // With the old version disabled, a fresh instance still reads every seed.
        vault.DisableKeyVersion("cloudwg-data-kek", original);
        await using var fresh = Instance(vault, prefix);
        clock.Advance(TimeSpan.FromSeconds(30));
        using var again = await SignInWithTotpAsync(fresh.WithClock(clock), seed, clock);
        Assert.Equal(HttpStatusCode.OK, (await again.GetAsync("/api/auth/me", Ct)).StatusCode);
    }

    [Fact]
    public async Task Instances_starting_at_once_on_an_empty_deployment_agree_on_one_data_key()
    {
        await using var vault = await DeployedVaultAsync();
        var prefix = Azurite.NewPrefix();
        var instances = Enumerable.Range(0, 4).Select(_ => Instance(vault, prefix)).ToList();
        try
        {
            var sources = instances.Select(i => i.Services.GetRequiredService<IDataKeySource>()).ToList();

            var keys = await Task.WhenAll(sources.Select(s => Task.Run(async () => await s.GetAsync(Ct), Ct)));

            Assert.Single(keys.Select(Convert.ToBase64String).Distinct());
        }
        finally
        {
            foreach (var instance in instances)
            {
                await instance.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Without_the_wrapping_key_totp_setup_answers_503_naming_the_missing_key_and_nothing_is_stored()
    {
        await using var vault = await FakeKeyVault.StartAsync();
        vault.EnforceAppRoles = true;
        var clock = AuthTestSupport.NewClock();
        await using var instance = Instance(vault, Azurite.NewPrefix());
        var app = instance.WithClock(clock);
        var admin = await AuthenticatedClients.CreateAdminAsync(app, Roles.Owner, "owner", Password);
        using var session = await AuthenticatedClients.LoginAsync(app, admin.Id, Password);

        var response = await session.PostAsJsonAsync("/api/auth/totp/setup", new { }, Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var detail = (await response.JsonAsync()).GetProperty("detail").GetString();
        Assert.Contains("'cloudwg-data-kek' does not exist", detail, StringComparison.Ordinal);
        Assert.Contains("infra/bicep", detail, StringComparison.Ordinal);
        var table = await app.Services.GetRequiredService<AdminStore>().TableAsync(Ct);
        Assert.False((await table.GetEntityIfExistsAsync<TableEntity>(AdminStore.MetaPartition, KeyVaultDataKeySource.Row, cancellationToken: Ct)).HasValue);
        Assert.Null((await app.Services.GetRequiredService<AdminStore>().GetAsync(admin.Id, Ct))!.PendingTotpSecret);
        Assert.Equal(0, vault.Operations.GetValueOrDefault("create"));
    }

    [Fact]
    public async Task When_key_vault_refuses_the_wrapping_key_sign_in_answers_503_saying_which_role_is_needed()
    {
        await using var vault = await DeployedVaultAsync();
        var clock = AuthTestSupport.NewClock();
        var prefix = Azurite.NewPrefix();
        var seed = await OwnerWithTotpOnAnEarlierInstanceAsync(vault, prefix, clock);

        vault.DisableKeyVersion("cloudwg-data-kek", vault.KeyVersions("cloudwg-data-kek").Single());
        await using var after = Instance(vault, prefix);
        var client = after.WithClock(clock).CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true });
        client.DefaultRequestHeaders.Add(CloudWgAuthenticationDefaults.CsrfHeader, "1");
        var login = await (await client.PostAsJsonAsync("/api/auth/login", new { username = "owner", password = Password }, Ct)).JsonAsync();
        clock.Advance(TimeSpan.FromSeconds(30));

        var mfa = await client.PostAsJsonAsync("/api/auth/mfa", new { mfaToken = login.GetProperty("mfaToken").GetString(), code = TotpService.Code(seed, clock.GetUtcNow()) }, Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, mfa.StatusCode);
        Assert.Contains("Key Vault Crypto User", (await mfa.JsonAsync()).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task As_deployed_failed_sign_ins_from_one_client_address_do_not_lock_out_another()
    {
        // Behind the Functions host every connection comes from loopback; the template makes the app use the front
        // end's X-Forwarded-For, or one attacker would exhaust everybody's per-address attempts.
        await using var vault = await DeployedVaultAsync();
        await using var instance = Instance(vault, Azurite.NewPrefix());
        await AuthenticatedClients.CreateAdminAsync(instance, Roles.Owner, "owner", Password);
        using var attacker = ClientFrom(instance, "203.0.113.9");
        using var owner = ClientFrom(instance, "198.51.100.7");

        var attempts = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++)
        {
            attempts.Add((await attacker.PostAsJsonAsync("/api/auth/login", new { username = $"guess{i}", password = "wrong password 123" }, Ct)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, attempts[^1]);
        Assert.Equal(HttpStatusCode.OK, (await owner.PostAsJsonAsync("/api/auth/login", new { username = "owner", password = Password }, Ct)).StatusCode);
    }

    [Fact]
    public async Task As_deployed_the_audit_log_records_the_callers_address_from_the_front_end_not_loopback()
    {
        await using var vault = await DeployedVaultAsync();
        await using var instance = Instance(vault, Azurite.NewPrefix());
        await AuthenticatedClients.CreateAdminAsync(instance, Roles.Owner, "owner", Password);
        using var owner = ClientFrom(instance, "198.51.100.7");
        Assert.Equal(HttpStatusCode.OK, (await owner.PostAsJsonAsync("/api/auth/login", new { username = "owner", password = Password }, Ct)).StatusCode);

        var node = await owner.CreateNodeAsync();
        await CloudWg.Functions.Tests.Pki.PkiHttp.CreateTokenAsync(owner, (string)node["id"]!);

        var audit = (await owner.GetFromJsonAsync<JsonObject>("/api/audit", Ct))!;
        var entries = audit["items"]!.AsArray().Select(e => e!.AsObject()).ToList();
        foreach (var action in new[] { "auth.login", "node.create", "node.enrollment.create" })
        {
            var entry = Assert.Single(entries, e => (string?)e["action"] == action);
            Assert.Equal("198.51.100.7", (string?)entry["clientAddress"]);
        }
    }

    private static HttpClient ClientFrom(WebApplicationFactory<Program> app, string address)
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true });
        // The front end writes X-Client-IP; X-Forwarded-For's first entry is whatever the caller claims.
        client.DefaultRequestHeaders.Add("X-Client-IP", address + ":52311");
        client.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.250");
        client.DefaultRequestHeaders.Add(CloudWgAuthenticationDefaults.CsrfHeader, "1");
        return client;
    }

    /// <summary>A vault as the template leaves it: the keys it declares, the setup-token secret, the app's roles only.</summary>
    private static async Task<FakeKeyVault> DeployedVaultAsync()
    {
        var vault = await FakeKeyVault.StartAsync();
        vault.EnforceAppRoles = true;
        var settings = DeployedAppSettings(vault);
        foreach (var key in DeployedTemplate.Resources().Where(r => (string?)r["type"] == "Microsoft.KeyVault/vaults/keys"))
        {
            var properties = key["properties"]!;
            var kty = (string)properties["kty"]!;
            var name = kty == "RSA" ? settings["CloudWg:KeyVault:DataKeyWrappingKeyName"]! : settings["CloudWg:KeyVault:ConfigSigningKeyName"]!;
            vault.DeployKey(name, kty, [.. properties["keyOps"]!.AsArray().Select(o => (string)o!)]);
        }

        vault.Secrets[settings["CloudWg:SetupTokenSecretName"]!] = SetupToken;
        return vault;
    }

    private CloudWgApp Instance(FakeKeyVault vault, string prefix)
    {
        var settings = DeployedAppSettings(vault);
        // Stand-ins: Azurite has no managed identity; the fake vault is on 127.0.0.1; instances share one prefix.
        settings["CloudWg:KeyVault:DisableChallengeResourceVerification"] = "true";
        settings["CloudWg:Storage:Prefix"] = prefix;
        // Set by the platform on every function app.
        settings["WEBSITE_HOSTNAME"] = PlatformHostName;
        return new CloudWgApp(azurite.ConnectionString, settings, s =>
        {
            s.AddSingleton<TokenCredential>(new StaticTokenCredential());
            s.AddSingleton(new KeyVaultTransport(vault.Transport));
        });
    }

    /// <summary>The function app's settings from infra/azuredeploy.json, with the deployment's parameters filled in for this test.</summary>
    private static Dictionary<string, string?> DeployedAppSettings(FakeKeyVault vault) =>
        DeployedTemplate.AppSettings(vault.VaultUri).ToDictionary(s => s.Key.Replace("__", ":", StringComparison.Ordinal), s => (string?)s.Value);

    /// <summary>An instance that has come and gone: it created "owner" with TOTP (and so the data key); returns the seed.</summary>
    private async Task<byte[]> OwnerWithTotpOnAnEarlierInstanceAsync(FakeKeyVault vault, string prefix, FakeTimeProvider clock)
    {
        await using var earlier = Instance(vault, prefix);
        return await OwnerWithTotpAsync(earlier.WithClock(clock), clock);
    }

    /// <summary>Signs "owner" in (creating it first unless the setup did) and enrols TOTP; returns the seed.</summary>
    private static async Task<byte[]> OwnerWithTotpAsync(WebApplicationFactory<Program> app, FakeTimeProvider clock, bool createOwner = true)
    {
        if (createOwner)
        {
            await AuthenticatedClients.CreateAdminAsync(app, Roles.Owner, "owner", Password);
        }

        using var session = await AuthenticatedClients.LoginAsync(app, "owner", Password);
        var enrol = await (await session.PostAsJsonAsync("/api/auth/totp/setup", new { }, Ct)).JsonAsync();
        var seed = Base32Encoding.ToBytes(enrol.GetProperty("secret").GetString());
        var confirm = await session.PostAsJsonAsync("/api/auth/totp/confirm", new { code = TotpService.Code(seed, clock.GetUtcNow()) }, Ct);
        Assert.Equal(HttpStatusCode.OK, confirm.StatusCode);
        return seed;
    }

    private static async Task<HttpClient> SignInWithTotpAsync(WebApplicationFactory<Program> app, byte[] seed, FakeTimeProvider clock)
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true });
        client.DefaultRequestHeaders.Add(CloudWgAuthenticationDefaults.CsrfHeader, "1");
        var login = await (await client.PostAsJsonAsync("/api/auth/login", new { username = "owner", password = Password }, Ct)).JsonAsync();
        Assert.True(login.GetProperty("mfaRequired").GetBoolean());
        var mfa = await client.PostAsJsonAsync("/api/auth/mfa", new { mfaToken = login.GetProperty("mfaToken").GetString(), code = TotpService.Code(seed, clock.GetUtcNow()) }, Ct);
        Assert.Equal(HttpStatusCode.OK, mfa.StatusCode);
        return client;
    }
}

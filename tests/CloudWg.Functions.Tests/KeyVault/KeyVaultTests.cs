using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Azure.Core;
using Azure.Security.KeyVault.Certificates;
using CloudWg.Functions.KeyVault;
using CloudWg.Functions.Pki;
using CloudWg.Functions.Sas;
using CloudWg.Functions.Storage;
using CloudWg.Functions.Tests.Pki;
using CloudWg.Protocol.Jws;
using CloudWg.Protocol.Messages;
using CloudWg.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

using CloudWg.Tests.Shared.Azure;

namespace CloudWg.Functions.Tests.KeyVault;

/// <summary>The Key Vault path, through the real Certificates SDK and the REST signer, against <see cref="FakeKeyVault"/>.</summary>
public sealed class KeyVaultTests(AzuriteFixture azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_key_vault_ca_creates_root_and_fleet_ca_and_issues_leaves_that_chain_to_the_root()
    {
        await using var vault = await FakeKeyVault.StartAsync();
        var credential = new StaticTokenCredential();
        var options = Options(vault);
        var authority = Authority(vault, options, credential);
        using var nodeKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var leaf = await authority.IssueNodeCertificateAsync("node-42", new PublicKey(nodeKey), TimeSpan.FromDays(365), Ct);
        var ca = await authority.GetCertificatesAsync(Ct);

        CertificateAssertions.AssertNodeCertificate(leaf, "node-42", ca, TimeSpan.FromDays(365));
        Assert.Equal(ca.Root.SubjectName.Name, ca.Root.IssuerName.Name);
        Assert.True(ca.Root.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        Assert.True(ca.Fleet.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        Assert.True(vault.Challenges > 0, "the SDK's challenge-based authentication ran against the fake");
        Assert.Contains("https://vault.azure.net/.default", credential.RequestedScopes);

        // A second instance (another function host) loads the same CA instead of creating a new one.
        var again = await Authority(vault, options, credential).GetCertificatesAsync(Ct);
        Assert.Equal(ca.Root.Thumbprint, again.Root.Thumbprint);
        Assert.Equal(ca.Fleet.Thumbprint, again.Fleet.Thumbprint);
    }

    [Fact]
    public async Task Instances_starting_at_once_on_an_empty_vault_agree_on_one_ca()
    {
        await using var vault = await FakeKeyVault.StartAsync();
        var storage = new StorageClients(new StorageOptions { ConnectionString = azurite.ConnectionString, Prefix = Azurite.NewPrefix() });
        await StorageInitializer.EnsureCreatedAsync(storage, Ct);
        var options = Options(vault);
        var credential = new StaticTokenCredential();

        var all = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
            Authority(vault, options, credential, new TableCaCreationLock(storage, TimeProvider.System)).GetCertificatesAsync(Ct), Ct)));

        Assert.Single(all.Select(c => c.Root.Thumbprint).Distinct());
        Assert.Single(all.Select(c => c.Fleet.Thumbprint).Distinct());
    }

    [Fact]
    public async Task The_ca_creation_lock_works_before_storage_initialisation_has_created_the_tables()
    {
        // At start-up the HTTPS listener wants the CA while StorageInitializer may still be creating tables.
        var storage = new StorageClients(new StorageOptions { ConnectionString = azurite.ConnectionString, Prefix = Azurite.NewPrefix() });
        var creationLock = new TableCaCreationLock(storage, TimeProvider.System);

        await using var held = await creationLock.TryAcquireAsync(Ct);

        Assert.NotNull(held);
        Assert.Null(await creationLock.TryAcquireAsync(Ct));
    }

    [Fact]
    public async Task A_jws_signed_through_key_vault_verifies_against_the_trust_bundle()
    {
        await using var vault = await FakeKeyVault.StartAsync();
        var options = Options(vault);
        var rest = new KeyVaultRestClient(options, new StaticTokenCredential(), new KeyVaultTransport(vault.Transport));
        var published = await new KeyVaultConfigSigningKeys(rest, options).GetPublishedAsync(Ct);
        var bundle = new TrustBundle([.. published.Select(k => k.PublicKey)]);
        var signer = await KeyVaultJwsSigner.CreateAsync(rest, options.ConfigSigningKeyName, Ct);
        var signaturesBefore = vault.Signatures;

        var jws = await Jws.SignAsync(signer, Encoding.UTF8.GetBytes("{\"nodeId\":\"n1\",\"version\":7}"), JwsTypes.DesiredState, Ct);
        var result = new JwsVerifier(bundle).Verify(jws, JwsTypes.DesiredState);

        Assert.True(result.IsValid, result.ToString());
        Assert.Equal(signer.KeyId, result.Header.Kid);
        Assert.Equal(vault.Signatures, signaturesBefore + 1);
        var tampered = jws[..^4] + (jws[^4] == 'A' ? "B" : "A") + jws[^3..];
        Assert.False(new JwsVerifier(bundle).Verify(tampered, JwsTypes.DesiredState).IsValid);
    }

    [Fact]
    public async Task During_a_rotation_the_trust_bundle_holds_the_current_and_the_next_key_and_both_verify()
    {
        await using var vault = await FakeKeyVault.StartAsync();
        var options = Options(vault);
        options.NextConfigSigningKeyName = "cloudwg-config-signing-next";
        var rest = new KeyVaultRestClient(options, new StaticTokenCredential(), new KeyVaultTransport(vault.Transport));
        var current = await KeyVaultJwsSigner.CreateAsync(rest, options.ConfigSigningKeyName, Ct);
        var next = await KeyVaultJwsSigner.CreateAsync(rest, options.NextConfigSigningKeyName, Ct);

        var published = await new KeyVaultConfigSigningKeys(rest, options).GetPublishedAsync(Ct);
        var verifier = new JwsVerifier(new TrustBundle([.. published.Select(k => k.PublicKey)]));

        Assert.Equal([ConfigSigningKey.Current, ConfigSigningKey.Next], published.Select(k => k.Status));
        foreach (var signer in new[] { current, next })
        {
            var jws = await Jws.SignAsync(signer, Encoding.UTF8.GetBytes("{\"v\":1}"), JwsTypes.DesiredState, Ct);
            Assert.True(verifier.Verify(jws, JwsTypes.DesiredState).IsValid);
        }
    }

    [Fact]
    public async Task The_storage_account_key_is_read_from_a_key_vault_secret()
    {
        await using var vault = await FakeKeyVault.StartAsync();
        vault.Secrets["storage-account-key"] = Azurite.AccountKey;
        var rest = new KeyVaultRestClient(Options(vault), new StaticTokenCredential(), new KeyVaultTransport(vault.Transport));

        var credential = await new KeyVaultAccountKey(rest, Azurite.AccountName, "storage-account-key", new FakeTimeProvider(DateTimeOffset.UtcNow)).GetAsync(Ct);

        Assert.Equal(Azurite.AccountName, credential.AccountName);
    }

    [Fact]
    public async Task With_the_key_vault_provider_enrollment_and_mtls_renewal_work_end_to_end()
    {
        await using var vault = await FakeKeyVault.StartAsync();
        // As the deployment configures it: no explicit provider, the vault named by CloudWg__KeyVaultUri.
        var settings = new Dictionary<string, string?>
        {
            ["CloudWg:KeyVaultUri"] = vault.VaultUri.AbsoluteUri,
            ["CloudWg:KeyVault:DisableChallengeResourceVerification"] = "true",
        };
        await using var app = await new PkiApp(azurite.ConnectionString, settings, s =>
        {
            s.AddSingleton<TokenCredential>(new StaticTokenCredential());
            s.AddSingleton(new KeyVaultTransport(vault.Transport));
        }).StartAsync();
        using var admin = app.NewClient(admin: "alice");
        using var anonymous = app.NewClient();
        var nodeId = await app.CreateNodeAsync();
        var token = await PkiHttp.CreateTokenAsync(admin, nodeId);
        using var agent = new TestAgent();

        var enrollment = await TestAgent.EnrollAsync(anonymous, agent.Request(token.Token));

        Assert.Equal(HttpStatusCode.OK, enrollment.StatusCode);
        var enrolled = (await enrollment.Content.ReadFromJsonAsync<EnrollmentResponse>(Ct))!;
        using var root = X509Certificate2.CreateFromPem(enrolled.TrustBundle.RootCertificatesPem![0]);
        using var fleet = X509Certificate2.CreateFromPem(enrolled.CertificateChainPem[1]);
        using var leaf = X509Certificate2.CreateFromPem(enrolled.CertificateChainPem[0]);
        CertificateAssertions.AssertNodeCertificate(leaf, nodeId, new CaCertificates(root, fleet), TimeSpan.FromDays(365));
        // No CA key on local disk: only this test's own HTTPS listener keeps its TLS key there (ServerCertificateProvider).
        Assert.Equal([ServerCertificateProvider.KeyFile], Directory.GetFiles(app.StateDirectory, "*.key.pem").Select(Path.GetFileName));

        using var certificate = agent.ClientCertificate(enrolled.CertificateChainPem);
        using var mtls = app.NewClient(certificate);
        var renewal = await mtls.PostAsJsonAsync("/api/agent/renew", new RenewalRequest(agent.Csr()), Ct);
        Assert.Equal(HttpStatusCode.OK, renewal.StatusCode);

        // The trust bundle's signing key is the Key Vault key, and a JWS signed through Key Vault verifies against it.
        var rest = app.Services.GetRequiredService<KeyVaultRestClient>();
        var signer = await KeyVaultJwsSigner.CreateAsync(rest, "cloudwg-config-signing", Ct);
        var jws = await Jws.SignAsync(signer, Encoding.UTF8.GetBytes("{\"nodeId\":\"" + nodeId + "\"}"), JwsTypes.DesiredState, Ct);
        Assert.True(new JwsVerifier(enrolled.TrustBundle).Verify(jws, JwsTypes.DesiredState).IsValid);

        // Publishing signs desired states with that same Key Vault key, never a local one.
        var publishing = app.Services.GetRequiredService<CloudWg.Functions.Publishing.ISigningKeys>();
        var publishingSigner = await publishing.GetSignerAsync(Ct);
        Assert.IsType<KeyVaultJwsSigner>(publishingSigner);
        Assert.Equal(signer.KeyId, publishingSigner.KeyId);
        Assert.Contains(enrolled.TrustBundle.Keys, k => k.Kid == publishingSigner.KeyId);
        Assert.False(File.Exists(Path.Combine(app.StateDirectory, CloudWg.Functions.Pki.LocalConfigSigningKeys.CurrentFile)));
    }

    [Fact]
    public async Task In_azure_the_setup_token_is_the_key_vault_secret_the_deployment_wrote_and_no_file_is_written()
    {
        await using var vault = await FakeKeyVault.StartAsync();
        vault.Secrets["cloudwg-setup-token"] = "deployment-made-token-0123456789abcdef";
        var settings = new Dictionary<string, string?>
        {
            ["CloudWg:KeyVaultUri"] = vault.VaultUri.AbsoluteUri,
            ["CloudWg:KeyVault:DisableChallengeResourceVerification"] = "true",
            ["CloudWg:SetupTokenSecretName"] = "cloudwg-setup-token",
        };
        await using var app = await new PkiApp(azurite.ConnectionString, settings, s =>
        {
            s.AddSingleton<TokenCredential>(new StaticTokenCredential());
            s.AddSingleton(new KeyVaultTransport(vault.Transport));
        }).StartAsync();
        await app.Services.GetRequiredService<CloudWg.Functions.Setup.SetupTokenService>().EnsureTokenAsync(Ct);
        using var anonymous = app.NewClient();

        var wrong = await anonymous.PostAsJsonAsync("/api/setup", new { token = "guessed", username = "owner", password = "correct horse battery staple" }, Ct);
        var right = await anonymous.PostAsJsonAsync("/api/setup", new { token = "deployment-made-token-0123456789abcdef", username = "owner", password = "correct horse battery staple" }, Ct);
        var again = await anonymous.PostAsJsonAsync("/api/setup", new { token = "deployment-made-token-0123456789abcdef", username = "owner2", password = "correct horse battery staple" }, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Created, right.StatusCode);
        Assert.Equal(HttpStatusCode.Gone, again.StatusCode);
        Assert.False(File.Exists(Path.Combine(app.StateDirectory, CloudWg.Functions.Setup.SetupTokenService.FileName)));
    }

    private static KeyVaultOptions Options(FakeKeyVault vault) => new()
    {
        Uri = vault.VaultUri,
        DisableChallengeResourceVerification = true,
    };

    private static KeyVaultCertificateAuthority Authority(FakeKeyVault vault, KeyVaultOptions options, TokenCredential credential, ICaCreationLock? creationLock = null)
    {
        var certificates = new CertificateClient(options.Uri!, credential, new CertificateClientOptions
        {
            Transport = vault.Transport,
            DisableChallengeResourceVerification = true,
        });
        return new KeyVaultCertificateAuthority(certificates, new KeyVaultRestClient(options, credential, new KeyVaultTransport(vault.Transport)), options, TimeProvider.System, creationLock);
    }
}

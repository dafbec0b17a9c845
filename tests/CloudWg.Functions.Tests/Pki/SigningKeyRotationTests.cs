using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using CloudWg.Functions.Pki;
using CloudWg.Protocol.Jws;
using CloudWg.Protocol.Messages;
using CloudWg.Tests.Shared;

namespace CloudWg.Functions.Tests.Pki;

/// <summary>The local rotation procedure of functions/Pki/ROTATION.md, step by step, as a node sees it.</summary>
public sealed class SigningKeyRotationTests(AzuriteFixture azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_new_key_is_published_before_it_signs_and_the_old_one_stays_valid_until_the_rotation_completes()
    {
        await using var app = await new PkiApp(azurite.ConnectionString).StartAsync();
        using var admin = app.NewClient(admin: "alice");
        using var anonymous = app.NewClient();
        var token = await PkiHttp.CreateTokenAsync(admin, await app.CreateNodeAsync());
        using var agent = new TestAgent();
        var enrolled = (await (await TestAgent.EnrollAsync(anonymous, agent.Request(token.Token))).Content.ReadFromJsonAsync<EnrollmentResponse>(Ct))!;
        using var certificate = agent.ClientCertificate(enrolled.CertificateChainPem);
        using var mtls = app.NewClient(certificate);
        var pinned = enrolled.TrustBundle;
        var currentPath = Path.Combine(app.StateDirectory, LocalConfigSigningKeys.CurrentFile);
        var nextPath = Path.Combine(app.StateDirectory, LocalConfigSigningKeys.NextFile);
        var previousPath = Path.Combine(app.StateDirectory, LocalConfigSigningKeys.PreviousFile);
        using var oldSigner = EcdsaJwsSigner.FromPem(await File.ReadAllTextAsync(currentPath, Ct));
        var oldDocument = await SignAsync(oldSigner);
        Assert.True(Verifies(pinned, oldDocument));

        // 1. Stage: the next key is published; nodes pick it up at renewal. It signs nothing yet.
        using var next = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await File.WriteAllTextAsync(nextPath, next.ExportPkcs8PrivateKeyPem(), Ct);
        pinned = await RenewAsync(mtls, agent);
        Assert.Equal(2, pinned.Keys.Count);
        using var newSigner = new EcdsaJwsSigner(next);
        var newDocument = await SignAsync(newSigner);
        Assert.True(Verifies(pinned, oldDocument));
        Assert.True(Verifies(pinned, newDocument));

        // 2. Switch: the next key becomes current (and signs); the old one is kept as previous.
        File.Move(currentPath, previousPath);
        File.Move(nextPath, currentPath);
        pinned = await RenewAsync(mtls, agent);
        Assert.True(Verifies(pinned, oldDocument));
        Assert.True(Verifies(pinned, newDocument));

        // 3. Retire: once everything is republished with the new key, the previous key goes.
        File.Delete(previousPath);
        pinned = await RenewAsync(mtls, agent);
        Assert.Equal(newSigner.KeyId, Assert.Single(pinned.Keys).Kid);
        Assert.False(Verifies(pinned, oldDocument));
        Assert.True(Verifies(pinned, newDocument));
    }

    private static async Task<TrustBundle> RenewAsync(HttpClient mtls, TestAgent agent)
    {
        var response = await mtls.PostAsJsonAsync("/api/agent/renew", new RenewalRequest(agent.Csr()), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<RenewalResponse>(Ct))!.TrustBundle!;
    }

    private static async Task<string> SignAsync(IJwsSigner signer) =>
        await Jws.SignAsync(signer, Encoding.UTF8.GetBytes("{\"version\":1}"), JwsTypes.DesiredState, Ct);

    private static bool Verifies(TrustBundle bundle, string jws) => new JwsVerifier(bundle).Verify(jws, JwsTypes.DesiredState).IsValid;
}

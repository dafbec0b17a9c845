using System.Security.Cryptography;
using System.Runtime.Versioning;
using System.Text;
using CloudWg.Protocol.Json;
using CloudWg.Protocol.Jws;
using JwsCompact = CloudWg.Protocol.Jws.Jws;

namespace CloudWg.Protocol.Tests.Jws;

[UnsupportedOSPlatform("windows")]
public sealed class SigningTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("cloudwg-protocol-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private sealed class FixedSigner(string keyId, byte[] signature) : IJwsSigner
    {
        public string KeyId => keyId;

        public ValueTask<byte[]> SignAsync(ReadOnlyMemory<byte> signingInput, CancellationToken ct = default) => ValueTask.FromResult(signature);
    }

    [Fact]
    public async Task The_header_is_canonical_alg_kid_typ()
    {
        using var signer = EcdsaJwsSigner.Create("k1");

        var compact = await JwsCompact.SignAsync(signer, "{}"u8.ToArray(), JwsTypes.Report, TestContext.Current.CancellationToken);

        Assert.True(Base64UrlStrict.TryDecode(compact.Split('.')[0], out var header));
        Assert.Equal("{\"alg\":\"ES256\",\"kid\":\"k1\",\"typ\":\"cloudwg-report+jws\"}", Encoding.UTF8.GetString(header));
    }

    [Fact]
    public async Task A_signer_that_returns_der_or_the_wrong_length_is_refused()
    {
        var ct = TestContext.Current.CancellationToken;
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await JwsCompact.SignAsync(new FixedSigner("k1", new byte[70]), "{}"u8.ToArray(), JwsTypes.Report, ct));
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await JwsCompact.SignAsync(new FixedSigner("k1", []), "{}"u8.ToArray(), JwsTypes.Report, ct));
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await JwsCompact.SignAsync(new FixedSigner("bad kid", new byte[64]), "{}"u8.ToArray(), JwsTypes.Report, ct));
    }

    [Fact]
    public async Task Empty_payload_or_typ_is_refused()
    {
        using var signer = EcdsaJwsSigner.Create("k1");
        var ct = TestContext.Current.CancellationToken;

        await Assert.ThrowsAsync<ArgumentException>(async () => await JwsCompact.SignAsync(signer, ReadOnlyMemory<byte>.Empty, JwsTypes.Report, ct));
        await Assert.ThrowsAsync<ArgumentException>(async () => await JwsCompact.SignAsync(signer, "{}"u8.ToArray(), string.Empty, ct));
    }

    [Fact]
    public async Task SignDocument_returns_the_canonical_payload_and_its_hash()
    {
        using var signer = EcdsaJwsSigner.Create();
        var state = TestData.Golden();

        var signed = await JwsCompact.SignDocumentAsync(signer, state, JwsTypes.DesiredState, TestContext.Current.CancellationToken);

        Assert.Equal(CanonicalJson.Serialize(state), signed.Payload);
        Assert.Equal(ContentHash.Sha256Hex(signed.Payload), signed.Sha256);
        Assert.True(new JwsVerifier(TrustBundle.FromKeys(signer.PublicJwk)).Verify(signed.Compact, JwsTypes.DesiredState).IsValid);
    }

    [Fact]
    public async Task A_ten_thousand_peer_desired_state_needs_the_large_bound()
    {
        using var signer = EcdsaJwsSigner.Create("k1");
        var bundle = TrustBundle.FromKeys(signer.PublicJwk);

        var signed = await JwsCompact.SignDocumentAsync(signer, TestData.WithPeers(10_000), JwsTypes.DesiredState, TestContext.Current.CancellationToken);

        Assert.Equal(JwsRejectReason.Oversized, new JwsVerifier(bundle).Verify(signed.Compact, JwsTypes.DesiredState).Reason);
        var result = new JwsVerifier(bundle, JwsVerifier.LargeDesiredStateMaxLength).Verify(signed.Compact, JwsTypes.DesiredState);
        Assert.True(result.IsValid, result.ToString());
        Assert.Equal(10_000, CanonicalJson.Deserialize(result.Payload).WireGuard.Peers.Count);
    }

    [Fact]
    public void The_default_key_id_is_the_rfc7638_thumbprint()
    {
        using var signer = EcdsaJwsSigner.Create();
        var jwk = signer.PublicJwk;
        var expected = Base64UrlStrict.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(
            $"{{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"{jwk.X}\",\"y\":\"{jwk.Y}\"}}")));

        Assert.Equal(expected, signer.KeyId);
        Assert.Equal(expected, jwk.Thumbprint());
        Assert.Equal(43, signer.KeyId.Length);
    }

    [Fact]
    public void LoadOrCreate_creates_an_owner_only_pem_and_loads_the_same_key_again()
    {
        var path = Path.Combine(_directory, "keys", "signing.pem");

        string firstKid;
        using (var created = EcdsaJwsSigner.LoadOrCreate(path))
        {
            firstKid = created.KeyId;
        }

        using var loaded = EcdsaJwsSigner.LoadOrCreate(path);

        Assert.Equal(firstKid, loaded.KeyId);
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", File.ReadAllText(path), StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(path)!));
    }

    [Fact]
    public async Task Concurrent_LoadOrCreate_calls_agree_on_one_complete_key()
    {
        var path = Path.Combine(_directory, "race", "signing.pem");

        var kids = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            using var signer = EcdsaJwsSigner.LoadOrCreate(path);
            return signer.KeyId;
        }, TestContext.Current.CancellationToken)));

        Assert.Single(kids.Distinct());
        Assert.Equal(["signing.pem"], Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public void Load_refuses_a_key_file_readable_by_others()
    {
        var path = Path.Combine(_directory, "open.pem");
        using (EcdsaJwsSigner.LoadOrCreate(path))
        {
        }

        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var e = Assert.Throws<InvalidOperationException>(() => EcdsaJwsSigner.Load(path));
        Assert.Contains("chmod 600", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Keys_that_are_not_p256_are_refused()
    {
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);

        Assert.Throws<ArgumentException>(() => new EcdsaJwsSigner(ECDsa.Create(ECCurve.NamedCurves.nistP384), "k"));
        Assert.Throws<ArgumentException>(() => Jwk.FromECDsa(p384, "k"));
    }
}

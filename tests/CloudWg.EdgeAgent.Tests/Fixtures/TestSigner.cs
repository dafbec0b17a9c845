using CloudWg.Protocol;
using CloudWg.Protocol.DesiredStates;
using CloudWg.Protocol.Json;
using CloudWg.Protocol.Jws;

namespace CloudWg.EdgeAgent.Tests.Fixtures;

/// <summary>The control plane's config-signing key in tests: signs desired states as the real publisher does.</summary>
public sealed class TestSigner : IDisposable
{
    public EcdsaJwsSigner Signer { get; } = EcdsaJwsSigner.Create("config-1");

    public TrustBundle TrustBundle => TrustBundle.FromKeys(Signer.PublicJwk);

    public Task<string> SignAsync(DesiredState state) => SignAsync(CanonicalJson.Serialize(state));

    public async Task<string> SignAsync(byte[] payload) => await Jws.SignAsync(Signer, payload, JwsTypes.DesiredState);

    public static string Sha256(DesiredState state) => ContentHash.Sha256Hex(CanonicalJson.Serialize(state));

    public void Dispose() => Signer.Dispose();
}

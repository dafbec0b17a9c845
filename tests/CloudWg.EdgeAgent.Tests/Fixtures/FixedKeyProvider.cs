using CloudWg.EdgeAgent.WireGuard;

namespace CloudWg.EdgeAgent.Tests.Fixtures;

public sealed class FixedKeyProvider(WgKey key) : IWireGuardKeyProvider
{
    public WgKey GetPrivateKey() => key;
}

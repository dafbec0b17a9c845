using CloudWg.EdgeAgent.WireGuard;
using CloudWg.Protocol.DesiredStates;

namespace CloudWg.EdgeAgent.Tests.Fixtures;

/// <summary>Builds desired-state documents for tests.</summary>
public static class TestStates
{
    public static DesiredState Node(string nodeId, long version, string iface, IReadOnlyList<PeerSpec> peers, int port = 51820, string address = "10.99.0.1/24", int mtu = 1420) =>
        new(1, nodeId, version, DateTimeOffset.UnixEpoch.AddSeconds(version),
            new WireGuardSpec(iface, port, [address], mtu, peers),
            new L4Spec([]),
            new FirewallSpec(new FirewallPolicies(FirewallAction.Accept, FirewallAction.Accept, FirewallAction.Accept), []));

    public static PeerSpec Peer(WgKey publicKey, params string[] allowedIps) => new(publicKey.ToString(), null, allowedIps, null);

    public static WgKey NewPublicKey() => WgKeyPair.PublicKeyOf(WgKeyPair.GeneratePrivateKey());
}

namespace CloudWg.EdgeAgent.WireGuard;

/// <summary>Supplies the node's WireGuard private key (generated at enrollment, kept 0600 in the state directory).</summary>
public interface IWireGuardKeyProvider
{
    WgKey GetPrivateKey();
}

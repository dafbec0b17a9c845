using System.Net;
using CloudWg.EdgeAgent.Tests.Fixtures;
using CloudWg.EdgeAgent.WireGuard;
using CloudWg.EdgeAgent.WireGuard.Uapi;
using CloudWg.Protocol.DesiredStates;

namespace CloudWg.EdgeAgent.Tests.WireGuard;

public sealed class WireGuardDiffTests
{
    private static readonly WgKey Private = WgKeyPair.Clamp(WgKey.FromHex(UapiRendererTests.HexA));
    private static readonly WgKey B = WgKey.FromHex(UapiRendererTests.HexB);
    private static readonly WgKey C = WgKey.FromHex(UapiRendererTests.HexC);
    private static readonly WgKey D = WgKey.FromHex("0404040404040404040404040404040404040404040404040404040404040404");

    private static WgDevice Device(params WgPeer[] peers) =>
        new("wg0", Private, WgKeyPair.PublicKeyOf(Private), 51820, 0, peers);

    private static WgPeer Peer(WgKey key, int keepalive, params string[] allowed) =>
        new(key, null, IPEndPoint.Parse("192.0.2.1:1"), keepalive, DateTimeOffset.UnixEpoch, 10, 20, allowed.Select(IPNetwork.Parse).ToList(), 1);

    private static WireGuardSpec Spec(params PeerSpec[] peers) => new("wg0", 51820, ["10.44.0.1/24"], 1420, peers);

    [Fact]
    public void Converged_device_gives_an_empty_patch()
    {
        var change = WireGuardDiff.Compute(
            Device(Peer(B, 0, "10.44.0.2/32", "10.50.0.0/24")),
            Private,
            Spec(new PeerSpec(B.ToString(), null, ["10.50.0.0/24", "10.44.0.2/32"], null)));

        Assert.True(change.IsEmpty);
        Assert.Equal("set=1\n\n", UapiRenderer.RenderSet(change.Patch));
    }

    [Fact]
    public void Adds_updates_and_removes_only_what_changed_without_replace_peers()
    {
        var actual = Device(Peer(B, 0, "10.44.0.2/32"), Peer(C, 25, "10.44.0.3/32"));
        var desired = Spec(
            new PeerSpec(B.ToString(), null, ["10.44.0.2/32", "10.60.0.0/16"], null),
            new PeerSpec(D.ToString(), C.ToString(), ["10.44.0.4/32"], 15));

        var change = WireGuardDiff.Compute(actual, Private, desired);

        Assert.Equal(
            "set=1\n" +
            $"public_key={B.ToHex()}\n" +
            "update_only=true\n" +
            "replace_allowed_ips=true\n" +
            "allowed_ip=10.44.0.2/32\n" +
            "allowed_ip=10.60.0.0/16\n" +
            $"public_key={D.ToHex()}\n" +
            $"preshared_key={C.ToHex()}\n" +
            "persistent_keepalive_interval=15\n" +
            "replace_allowed_ips=true\n" +
            "allowed_ip=10.44.0.4/32\n" +
            $"public_key={C.ToHex()}\n" +
            "remove=true\n" +
            "\n",
            UapiRenderer.RenderSet(change.Patch));
        Assert.Equal(3, change.Changes.Count);
    }

    [Fact]
    public void Keepalive_and_preshared_key_changes_touch_only_those_fields()
    {
        var actual = Device(Peer(B, 25, "10.44.0.2/32") with { PresharedKey = C });
        var change = WireGuardDiff.Compute(actual, Private, Spec(new PeerSpec(B.ToString(), null, ["10.44.0.2/32"], null)));

        Assert.Equal(
            "set=1\n" +
            $"public_key={B.ToHex()}\n" +
            "update_only=true\n" +
            "preshared_key=0000000000000000000000000000000000000000000000000000000000000000\n" +
            "persistent_keepalive_interval=0\n" +
            "\n",
            UapiRenderer.RenderSet(change.Patch));
    }

    [Fact]
    public void Sets_private_key_and_port_when_they_differ()
    {
        var actual = new WgDevice("wg0", null, null, 0, 0, []);
        var change = WireGuardDiff.Compute(actual, Private, Spec());
        Assert.Equal($"set=1\nprivate_key={Private.ToHex()}\nlisten_port=51820\n\n", UapiRenderer.RenderSet(change.Patch));
    }

    [Fact]
    public void Applying_a_patch_to_a_model_matches_a_fresh_diff()
    {
        var actual = Device(Peer(B, 0, "10.44.0.2/32"), Peer(C, 25, "10.44.0.3/32"));
        var desired = Spec(new PeerSpec(B.ToString(), null, ["10.44.0.9/32"], 5), new PeerSpec(D.ToString(), null, ["10.44.0.4/32"], null));
        var after = WireGuardDiff.Apply(actual, WireGuardDiff.Compute(actual, Private, desired).Patch);
        Assert.True(WireGuardDiff.Compute(after, Private, desired).IsEmpty);
        Assert.Equal([B, D], after.Peers.Select(p => p.PublicKey));
    }

    [Fact]
    public void Spec_to_spec_diff_touches_only_changed_peers()
    {
        var before = Spec(
            new PeerSpec(B.ToString(), null, ["10.44.0.2/32"], null),
            new PeerSpec(C.ToString(), null, ["10.44.0.3/32"], 25));
        var after = Spec(
            new PeerSpec(B.ToString(), null, ["10.44.0.2/32"], null),
            new PeerSpec(D.ToString(), null, ["10.44.0.4/32"], null));

        var change = WireGuardDiff.ComputeFromSpecs(before, after, Private);

        Assert.Equal(
            "set=1\n" +
            $"public_key={D.ToHex()}\n" +
            "replace_allowed_ips=true\n" +
            "allowed_ip=10.44.0.4/32\n" +
            $"public_key={C.ToHex()}\n" +
            "remove=true\n" +
            "\n",
            UapiRenderer.RenderSet(change.Patch));
        Assert.True(WireGuardDiff.ComputeFromSpecs(after, after, Private).IsEmpty);
        Assert.Equal("set=1\nlisten_port=51821\n\n", UapiRenderer.RenderSet(WireGuardDiff.ComputeFromSpecs(after, after with { ListenPort = 51821 }, Private).Patch));
    }

    [Fact]
    public void An_invalid_key_in_the_desired_state_is_a_format_error() =>
        Assert.Throws<FormatException>(() => WireGuardDiff.Compute(Device(), Private, Spec(new PeerSpec("nope", null, [], null))));

    [Fact]
    public void Public_key_derivation_matches_a_known_vector()
    {
        // RFC 7748 §6.1: Alice's private key and public key.
        var alice = WgKey.FromHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        Assert.Equal("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a", WgKeyPair.PublicKeyOf(alice).ToHex());
        _ = TestStates.NewPublicKey();
    }
}

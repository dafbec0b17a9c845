namespace CloudWg.EdgeAgent.WireGuard;

/// <summary>The smallest patch that turns a device into the desired one, and what it does in words.</summary>
public sealed record WireGuardChange(WgConfigPatch Patch, IReadOnlyList<string> Changes)
{
    public bool IsEmpty => Patch.IsEmpty;
}

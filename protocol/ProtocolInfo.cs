namespace CloudWg.Protocol;

/// <summary>Facts about the wire protocol shared by the control plane and the agent.</summary>
public static class ProtocolInfo
{
    /// <summary>The desired-state schema this build produces and accepts.</summary>
    public const int CurrentSchema = 1;
}

namespace CloudWg.EdgeAgent.State;

/// <summary>Keys of the <c>settings</c> table.</summary>
public static class SettingKeys
{
    public const string LastAcceptedVersion = "desired.lastAcceptedVersion";
    public const string AppliedVersion = "desired.appliedVersion";
    public const string Enrollment = "enrollment";
    public const string TrustBundle = "trustBundle";
    public const string LastRenewedAt = "renewal.lastRenewedAt";
    public const string RenewalError = "renewal.lastError";
    public const string RenewalErrorAt = "renewal.lastErrorAt";
    public const string PullError = "pull.lastError";
    public const string PullErrorAt = "pull.lastErrorAt";
    public const string ClockSkewSeconds = "controlPlane.clockSkewSeconds";
    public const string ClockSkewAt = "controlPlane.clockSkewAt";
}

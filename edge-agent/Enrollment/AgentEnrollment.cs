namespace CloudWg.EdgeAgent.Enrollment;

/// <summary>
/// What the agent keeps from enrollment (and each renewal) in its state store. The SAS URLs are secrets:
/// <see cref="ToString"/> hides them, and the store is 0600.
/// </summary>
public sealed record AgentEnrollment(
    string NodeId,
    string ControlUrl,
    string InboxUrl,
    DateTimeOffset InboxExpiresAt,
    string DesiredStateBlobUrl,
    DateTimeOffset DesiredStateBlobExpiresAt,
    string ReportsUrl,
    DateTimeOffset ReportsExpiresAt,
    DateTimeOffset CertificateNotBefore,
    DateTimeOffset CertificateExpiresAt)
{
    public override string ToString() => $"AgentEnrollment {{ NodeId = {NodeId}, ControlUrl = {ControlUrl}, CertificateExpiresAt = {CertificateExpiresAt:O} }}";

    /// <summary>The earliest moment any credential (certificate or SAS) expires.</summary>
    public DateTimeOffset EarliestExpiry => new[] { InboxExpiresAt, DesiredStateBlobExpiresAt, ReportsExpiresAt, CertificateExpiresAt }.Min();

    /// <summary>
    /// When renewal is due: once less than a third of the certificate's lifetime remains, or a third of the
    /// time before the earliest SAS expiry (SAS lifetimes are not known exactly, so the certificate's start is used).
    /// </summary>
    public DateTimeOffset RenewalDueAt
    {
        get
        {
            var lifetime = CertificateExpiresAt - CertificateNotBefore;
            var certificateDue = CertificateExpiresAt - (lifetime / 3);
            var sasExpiry = new[] { InboxExpiresAt, DesiredStateBlobExpiresAt, ReportsExpiresAt }.Min();
            var sasDue = sasExpiry - ((sasExpiry - CertificateNotBefore) / 3);
            return certificateDue < sasDue ? certificateDue : sasDue;
        }
    }

    /// <summary>
    /// <see cref="RenewalDueAt"/>, or earlier when <paramref name="renewBefore"/> (<c>Renewal:RenewBefore</c>) asks
    /// for renewal that long before the certificate expires.
    /// </summary>
    public DateTimeOffset RenewalDueWith(TimeSpan? renewBefore) =>
        renewBefore is { } before && CertificateExpiresAt - before < RenewalDueAt ? CertificateExpiresAt - before : RenewalDueAt;
}

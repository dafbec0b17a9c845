namespace CloudWg.Functions.Enrollment.Contracts;

/// <summary>A SAS URL and when it stops working.</summary>
public sealed record SasGrant(Uri Url, DateTimeOffset ExpiresAt);

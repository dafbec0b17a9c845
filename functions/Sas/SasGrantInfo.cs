namespace CloudWg.Functions.Sas;

/// <summary>A SAS URL and when it stops working.</summary>
public sealed record SasGrantInfo(Uri Url, DateTimeOffset ExpiresAt);

using System.Security.Cryptography.X509Certificates;

namespace CloudWg.Functions.Pki;

/// <summary>The public CA certificates: <paramref name="Root"/> is the trust anchor, <paramref name="Fleet"/> signs node certificates.</summary>
public sealed record CaCertificates(X509Certificate2 Root, X509Certificate2 Fleet);

using System.Security.Cryptography.X509Certificates;

namespace CloudWg.Functions.Pki;

/// <summary>A CA certificate (public part only) and the generator that signs with its private key, wherever that lives.</summary>
public sealed record CaSigner(X509Certificate2 Certificate, X509SignatureGenerator Generator);

namespace CloudWg.Protocol.Jws;

/// <summary>A signed document as it is stored and announced.</summary>
/// <param name="Compact">The compact JWS.</param>
/// <param name="Payload">The canonical payload bytes that were signed.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of <paramref name="Payload"/> (the <c>sha256</c> of a queue notification).</param>
public sealed record SignedDocument(string Compact, byte[] Payload, string Sha256);

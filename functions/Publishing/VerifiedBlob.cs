using Azure;
using CloudWg.Protocol.DesiredStates;

namespace CloudWg.Functions.Publishing;

/// <summary>A node's blob as read: its ETag (null when missing) and, when it verified, the document, payload hash and JWS.</summary>
public sealed record VerifiedBlob(ETag? ETag, DesiredState? Document, string? Sha256, string? Compact);

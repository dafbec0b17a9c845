namespace CloudWg.Functions.Publishing;

/// <summary>What a publish did.</summary>
/// <param name="Superseded">True when a higher version was already in the blob, so this one was not written or announced.</param>
public sealed record PublishResult(long Version, string Sha256, bool Superseded);

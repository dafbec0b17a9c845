namespace CloudWg.Functions.Publishing;

/// <summary>A node's publication state.</summary>
/// <param name="Version">The highest version allocated (compare-and-swap on this row).</param>
/// <param name="PublishedVersion">The highest version written to the blob, or 0.</param>
/// <param name="PublishedSha256">SHA-256 of that version's payload (what the blob must hold).</param>
/// <param name="ConfigHash">Version-independent hash of that version's content (see <see cref="DesiredStateCompiler.ConfigHash"/>).</param>
public sealed record Publication(long Version, long PublishedVersion, string? PublishedSha256, string? ConfigHash, DateTimeOffset? PublishedAt);

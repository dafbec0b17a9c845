namespace CloudWg.EdgeAgent.Storage;

/// <summary>A blob was larger than the agent accepts.</summary>
public sealed class BlobTooLargeException(long size, long limit)
    : Exception($"The desired-state blob is {size} bytes or more, over the {limit}-byte limit.")
{
    public long Size { get; } = size;

    public long Limit { get; } = limit;
}

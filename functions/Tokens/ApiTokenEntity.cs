using Azure;
using Azure.Data.Tables;

namespace CloudWg.Functions.Tokens;

/// <summary>An API token in the <c>tokens</c> table; <see cref="Hash"/> is the SHA-256 of the whole token, never the token.</summary>
public sealed class ApiTokenEntity : ITableEntity
{
    public string PartitionKey { get; set; } = ApiTokenStore.Partition;

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string Id => RowKey;

    public string AdminId { get; set; } = "";

    public string Name { get; set; } = "";

    public string Scope { get; set; } = "";

    public string Hash { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? LastUsedAt { get; set; }
}

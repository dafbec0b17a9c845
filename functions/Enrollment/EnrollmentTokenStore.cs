using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using CloudWg.Functions.Storage;

namespace CloudWg.Functions.Enrollment;

/// <summary>
/// Single-use enrollment tokens in the <c>enrollments</c> table. Only the SHA-256 of a token is stored (PartitionKey);
/// the token itself (256 random bits) is shown once. Consumption is an ETag-conditional update, so of two
/// concurrent uses exactly one wins, on any number of instances.
/// </summary>
public sealed class EnrollmentTokenStore(StorageClients storage, TimeProvider time)
{
    private const string RowKey = "token";

    private TableClient Table => storage.Table("enrollments");

    public async Task<(string Token, DateTimeOffset ExpiresAt)> CreateAsync(string nodeId, string createdBy, TimeSpan lifetime, CancellationToken cancellationToken = default)
    {
        var token = System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var now = time.GetUtcNow();
        var expiresAt = now + lifetime;
        await Table.AddEntityAsync(new TableEntity(Hash(token), RowKey)
        {
            ["NodeId"] = nodeId,
            ["CreatedBy"] = createdBy,
            ["CreatedAt"] = now,
            ["ExpiresAt"] = expiresAt,
        }, cancellationToken).ConfigureAwait(false);
        return (token, expiresAt);
    }

    /// <summary>Consumes <paramref name="token"/> if it is valid; the outcome says why not otherwise.</summary>
    public async Task<TokenConsumption> ConsumeAsync(string token, CancellationToken cancellationToken = default)
    {
        var found = await Table.GetEntityIfExistsAsync<TableEntity>(Hash(token), RowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!found.HasValue)
        {
            return TokenConsumption.Failed(TokenConsumptionFailure.Unknown);
        }

        var entity = found.Value!;
        if (entity.GetDateTimeOffset("ConsumedAt") is not null)
        {
            return TokenConsumption.Failed(TokenConsumptionFailure.Used);
        }

        var now = time.GetUtcNow();
        if (entity.GetDateTimeOffset("ExpiresAt") is not { } expiresAt || now >= expiresAt)
        {
            return TokenConsumption.Failed(TokenConsumptionFailure.Expired);
        }

        entity["ConsumedAt"] = now;
        try
        {
            await Table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            return TokenConsumption.Failed(TokenConsumptionFailure.Used);
        }

        return new TokenConsumption(entity.GetString("NodeId"), entity.GetDateTimeOffset("CreatedAt"), null);
    }

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}

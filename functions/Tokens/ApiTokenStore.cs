using System.Security.Cryptography;
using Azure;
using Azure.Data.Tables;
using CloudWg.Functions.Auth;
using Microsoft.Extensions.Options;

namespace CloudWg.Functions.Tokens;

/// <summary>
/// API tokens: <c>cwg_&lt;id&gt;_&lt;secret&gt;</c>. The id (16 hex characters) finds the row with one point read;
/// the SHA-256 of the whole token is compared in constant time. The token is returned once, at creation.
/// </summary>
public sealed class ApiTokenStore(AuthTables tables, TimeProvider time, IOptions<AuthOptions> options)
{
    public const string Partition = "token";
    public const string Prefix = "cwg_";
    private const string Table = "tokens";
    private const int IdLength = 16;

    public async Task<(ApiTokenEntity Entity, string Token)> CreateAsync(string adminId, string name, string scope, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(IdLength / 2));
        var token = $"{Prefix}{id}_{TokenHashing.NewSecret()}";
        var entity = new ApiTokenEntity
        {
            RowKey = id,
            AdminId = adminId,
            Name = name,
            Scope = scope,
            Hash = TokenHashing.Hash(token),
            CreatedAt = time.GetUtcNow(),
            ExpiresAt = expiresAt,
        };
        var table = await tables.GetAsync(Table, cancellationToken);
        await table.AddEntityAsync(entity, cancellationToken);
        return (entity, token);
    }

    /// <summary>The token's row when <paramref name="token"/> is genuine and unexpired; otherwise null.</summary>
    public async Task<ApiTokenEntity?> ValidateAsync(string token, CancellationToken cancellationToken)
    {
        if (!token.StartsWith(Prefix, StringComparison.Ordinal) || token.Length < Prefix.Length + IdLength + 2 || token.Length > 200
            || token[Prefix.Length + IdLength] != '_')
        {
            return null;
        }

        var id = token.Substring(Prefix.Length, IdLength);
        if (!id.All(char.IsAsciiHexDigitLower))
        {
            return null;
        }

        var table = await tables.GetAsync(Table, cancellationToken);
        var row = await table.GetEntityIfExistsAsync<ApiTokenEntity>(Partition, id, cancellationToken: cancellationToken);
        if (!row.HasValue || !TokenHashing.HashEquals(row.Value!.Hash, token) || time.GetUtcNow() >= row.Value.ExpiresAt)
        {
            return null;
        }

        return row.Value;
    }

    /// <summary>Records use, writing at most once per <see cref="AuthOptions.ActivityWriteInterval"/>.</summary>
    public async Task TouchAsync(ApiTokenEntity entity, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (entity.LastUsedAt is { } last && now - last < options.Value.ActivityWriteInterval)
        {
            return;
        }

        var table = await tables.GetAsync(Table, cancellationToken);
        try
        {
            await table.UpdateEntityAsync(new TableEntity(Partition, entity.Id) { ["LastUsedAt"] = now }, entity.ETag, TableUpdateMode.Merge, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            // Used concurrently elsewhere, or revoked meanwhile.
        }
    }

    public async Task<IReadOnlyList<ApiTokenEntity>> ListAsync(string? adminId, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(Table, cancellationToken);
        var filter = adminId is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {Partition}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and AdminId eq {adminId}");
        var list = new List<ApiTokenEntity>();
        await foreach (var token in table.QueryAsync<ApiTokenEntity>(filter, cancellationToken: cancellationToken))
        {
            list.Add(token);
        }

        return list.OrderByDescending(t => t.CreatedAt).ToList();
    }

    public async Task<ApiTokenEntity?> GetAsync(string id, CancellationToken cancellationToken)
    {
        if (id.Length != IdLength || !id.All(char.IsAsciiHexDigitLower))
        {
            return null;
        }

        var table = await tables.GetAsync(Table, cancellationToken);
        var row = await table.GetEntityIfExistsAsync<ApiTokenEntity>(Partition, id, cancellationToken: cancellationToken);
        return row.HasValue ? row.Value : null;
    }

    public async Task DeleteAsync(string id, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(Table, cancellationToken);
        try
        {
            await table.DeleteEntityAsync(Partition, id, ETag.All, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // Revoked concurrently.
        }
    }
}

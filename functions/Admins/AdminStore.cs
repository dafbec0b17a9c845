using System.Security.Cryptography;
using Azure;
using Azure.Data.Tables;
using CloudWg.Functions.Auth;

namespace CloudWg.Functions.Admins;

/// <summary>
/// Admins in the <c>admins</c> table. Every change is an ETag compare-and-swap, so concurrent instances never
/// overwrite each other (a TOTP time step, a recovery code or a role change is applied exactly once).
/// </summary>
public sealed class AdminStore(AuthTables tables, PasswordHasher hasher, TimeProvider time)
{
    public const string Partition = "admin";
    public const string MetaPartition = "meta";
    private const string Table = "admins";
    private const string SecurityRow = "security";
    private const string OwnerLockRow = "owner-lock";
    private static readonly TimeSpan OwnerLockLease = TimeSpan.FromSeconds(15);

    public Task<TableClient> TableAsync(CancellationToken cancellationToken) => tables.GetAsync(Table, cancellationToken);

    public async Task<AdminEntity?> GetAsync(string id, CancellationToken cancellationToken)
    {
        if (AdminValidation.UsernameError(id) is not null)
        {
            return null;
        }

        var table = await TableAsync(cancellationToken);
        var result = await table.GetEntityIfExistsAsync<AdminEntity>(Partition, id, cancellationToken: cancellationToken);
        return result.HasValue ? result.Value : null;
    }

    public async Task<IReadOnlyList<AdminEntity>> ListAsync(CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken);
        var list = new List<AdminEntity>();
        await foreach (var admin in table.QueryAsync<AdminEntity>(a => a.PartitionKey == Partition, cancellationToken: cancellationToken))
        {
            list.Add(admin);
        }

        return list;
    }

    public async Task<bool> AnyAsync(CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken);
        await foreach (var page in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Partition}"), maxPerPage: 1, select: ["RowKey"], cancellationToken: cancellationToken).AsPages())
        {
            if (page.Values.Count > 0)
            {
                return true;
            }

            if (page.ContinuationToken is null)
            {
                break;
            }
        }

        return false;
    }

    /// <summary>Creates an admin; null when the username is taken. Inputs must already be validated.</summary>
    public async Task<AdminEntity?> CreateAsync(string username, string password, string role, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var admin = new AdminEntity
        {
            RowKey = username,
            Role = role,
            PasswordHash = hasher.Hash(password),
            SecurityStamp = NewStamp(),
            CreatedAt = now,
            UpdatedAt = now,
        };
        var table = await TableAsync(cancellationToken);
        try
        {
            var response = await table.AddEntityAsync(admin, cancellationToken);
            admin.ETag = response.Headers.ETag ?? default;
            return admin;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return null;
        }
    }

    /// <summary>Writes <paramref name="admin"/> if nobody changed it since it was read; false on a conflict.</summary>
    public async Task<bool> TryUpdateAsync(AdminEntity admin, CancellationToken cancellationToken, bool touch = true)
    {
        if (touch)
        {
            admin.UpdatedAt = time.GetUtcNow();
        }

        var table = await TableAsync(cancellationToken);
        try
        {
            var response = await table.UpdateEntityAsync(admin, admin.ETag, TableUpdateMode.Replace, cancellationToken);
            admin.ETag = response.Headers.ETag ?? default;
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404)
        {
            return false;
        }
    }

    /// <summary>Re-reads and applies <paramref name="change"/> until the write wins; the change returns false to give up.</summary>
    public async Task<AdminEntity?> UpdateAsync(string id, Func<AdminEntity, bool> change, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var admin = await GetAsync(id, cancellationToken);
            if (admin is null || !change(admin))
            {
                return null;
            }

            if (await TryUpdateAsync(admin, cancellationToken))
            {
                return admin;
            }
        }

        throw new InvalidOperationException($"Admin {id} kept changing under 20 attempts to update it.");
    }

    public async Task<bool> TryDeleteAsync(AdminEntity admin, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken);
        try
        {
            await table.DeleteEntityAsync(Partition, admin.Id, admin.ETag, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404)
        {
            return false;
        }
    }

    public async Task<SecuritySettings> GetSettingsAsync(CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(MetaPartition, SecurityRow, cancellationToken: cancellationToken);
        return new SecuritySettings(row.HasValue && row.Value!.GetBoolean("RequireMfa") == true);
    }

    public async Task SetSettingsAsync(SecuritySettings settings, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken);
        await table.UpsertEntityAsync(new TableEntity(MetaPartition, SecurityRow) { ["RequireMfa"] = settings.RequireMfa }, TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="action"/> while holding a short lease shared by every instance, so two owners cannot
    /// concurrently demote, disable or delete each other and leave no owner. False when the lease is busy.
    /// </summary>
    public async Task<bool> WithOwnerLockAsync(Func<Task> action, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken);
        var holder = Guid.NewGuid().ToString("N");
        for (var attempt = 0; ; attempt++)
        {
            if (await TryAcquireAsync(table, holder, cancellationToken))
            {
                break;
            }

            if (attempt == 50)
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50 + Random.Shared.Next(100)), cancellationToken);
        }

        try
        {
            await action();
            return true;
        }
        finally
        {
            var current = await table.GetEntityIfExistsAsync<TableEntity>(MetaPartition, OwnerLockRow, cancellationToken: CancellationToken.None);
            if (current.HasValue && current.Value!.GetString("Holder") == holder)
            {
                try
                {
                    await table.DeleteEntityAsync(MetaPartition, OwnerLockRow, current.Value.ETag, CancellationToken.None);
                }
                catch (RequestFailedException e) when (e.Status is 404 or 412)
                {
                    // The lease ran out and someone else took it; nothing of ours to release.
                }
            }
        }
    }

    private async Task<bool> TryAcquireAsync(TableClient table, string holder, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var lease = new TableEntity(MetaPartition, OwnerLockRow) { ["Holder"] = holder, ["ExpiresAt"] = now + OwnerLockLease };
        var existing = await table.GetEntityIfExistsAsync<TableEntity>(MetaPartition, OwnerLockRow, cancellationToken: cancellationToken);
        try
        {
            if (!existing.HasValue)
            {
                await table.AddEntityAsync(lease, cancellationToken);
                return true;
            }

            if (existing.Value!.GetDateTimeOffset("ExpiresAt") is { } expires && expires > now)
            {
                return false;
            }

            await table.UpdateEntityAsync(lease, existing.Value.ETag, TableUpdateMode.Replace, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            return false;
        }
    }

    public static string NewStamp() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}

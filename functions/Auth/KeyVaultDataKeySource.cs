using System.Security.Cryptography;
using Azure;
using Azure.Data.Tables;
using CloudWg.Functions.Admins;
using CloudWg.Functions.KeyVault;
using Microsoft.Extensions.Options;

namespace CloudWg.Functions.Auth;

/// <summary>
/// Envelope encryption for Azure, where instances have no shared disk: a random 32-byte data key, wrapped
/// (RSA-OAEP-256) by the Key Vault key <see cref="KeyVaultOptions.DataKeyWrappingKeyName"/>, stored in the <c>admins</c> table
/// (row <c>meta/data-key</c>) next to the seeds it protects. Storage alone never reveals it; Key Vault alone holds no
/// seed. The first instance to need it creates it (insert-if-absent, so concurrent instances agree on one); every
/// instance unwraps it once and keeps it in memory.
/// </summary>
/// <remarks>
/// The row records which key version wrapped it. After the key-encryption key is rotated
/// (<c>az keyvault key rotate</c>), the next instance to load the data key re-wraps it with the new version, so the
/// old version can be disabled once that happened (ROTATION.md). The data key itself never changes, so no seed has to
/// be re-encrypted.
/// </remarks>
public sealed partial class KeyVaultDataKeySource(
    KeyVaultRestClient vault, IOptions<KeyVaultOptions> options, AdminStore admins, TimeProvider time, ILogger<KeyVaultDataKeySource> logger) : IDataKeySource
{
    public const string Row = "data-key";
    private readonly SemaphoreSlim gate = new(1, 1);
    private byte[]? key;

    public async ValueTask<byte[]> GetAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref key) is { } cached)
        {
            return cached;
        }

        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (key is not null)
            {
                return key;
            }

            var loaded = await LoadOrCreateAsync(cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref key, loaded);
            return loaded;
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<byte[]> LoadOrCreateAsync(CancellationToken cancellationToken)
    {
        var table = await admins.TableAsync(cancellationToken).ConfigureAwait(false);
        for (var attempt = 0; ; attempt++)
        {
            var row = await table.GetEntityIfExistsAsync<TableEntity>(AdminStore.MetaPartition, Row, cancellationToken: cancellationToken).ConfigureAwait(false);
            var current = await CurrentKeyIdAsync(cancellationToken).ConfigureAwait(false);
            if (row.HasValue)
            {
                var entity = row.Value!;
                var wrappedBy = new Uri(entity.GetString("KeyId") ?? throw new InvalidOperationException($"admins/meta/{Row} has no KeyId."));
                var unwrapped = await VaultAsync(() => vault.UnwrapKeyAsync(wrappedBy, entity.GetBinary("WrappedKey") ?? [], cancellationToken)).ConfigureAwait(false);
                if (unwrapped.Length != 32)
                {
                    throw new InvalidOperationException($"The data key in admins/meta/{Row} unwrapped to {unwrapped.Length} bytes; expected 32.");
                }

                if (wrappedBy != current)
                {
                    try
                    {
                        await RewrapAsync(table, entity, current, unwrapped, cancellationToken).ConfigureAwait(false);
                    }
                    catch (DataKeyUnavailableException e)
                    {
                        // The data key is in hand; failing to move it to the new version must not lock anyone out.
                        LogRewrapFailed(logger, e.Message);
                    }
                }

                return unwrapped;
            }

            var created = RandomNumberGenerator.GetBytes(32);
            var (kid, wrapped) = await VaultAsync(() => vault.WrapKeyAsync(current, created, cancellationToken)).ConfigureAwait(false);
            try
            {
                await table.AddEntityAsync(Entity(kid, wrapped), cancellationToken).ConfigureAwait(false);
                return created;
            }
            catch (RequestFailedException e) when (e.Status == 409 && attempt == 0)
            {
                // Another instance stored its data key first: use that one (next round reads it).
            }
        }
    }

    private async Task RewrapAsync(TableClient table, TableEntity entity, Uri current, byte[] dataKey, CancellationToken cancellationToken)
    {
        var (kid, wrapped) = await VaultAsync(() => vault.WrapKeyAsync(current, dataKey, cancellationToken)).ConfigureAwait(false);
        var replacement = Entity(kid, wrapped);
        replacement["CreatedAt"] = entity.GetDateTimeOffset("CreatedAt") ?? time.GetUtcNow();
        try
        {
            await table.UpdateEntityAsync(replacement, entity.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            LogRewrapped(logger, current.AbsoluteUri);
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            // Another instance re-wrapped it at the same moment; either copy unwraps to the same data key.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Re-wrapped the TOTP data key with {KeyId} (the wrapping key was rotated)")]
    private static partial void LogRewrapped(ILogger logger, string keyId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not re-wrap the TOTP data key with the current wrapping key version; the old version still works, the next start retries: {Reason}")]
    private static partial void LogRewrapFailed(ILogger logger, string reason);

    private async Task<Uri> CurrentKeyIdAsync(CancellationToken cancellationToken)
    {
        var name = options.Value.DataKeyWrappingKeyName;
        return await VaultAsync(() => vault.GetKeyIdAsync(name, cancellationToken)).ConfigureAwait(false)
            ?? throw new DataKeyUnavailableException(
                $"Key Vault key '{name}' does not exist. The deployment creates it (infra/bicep/modules/keyvault.bicep); " +
                "set CloudWg:KeyVault:DataKeyWrappingKeyName if yours has another name.");
    }

    /// <summary>A Key Vault call whose refusal (role missing or not yet propagated, key disabled) becomes an operator-readable error.</summary>
    private async Task<T> VaultAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status is 401 or 403)
        {
            throw new DataKeyUnavailableException(
                $"Key Vault refused the operation with key '{options.Value.DataKeyWrappingKeyName}' ({e.ErrorCode ?? "HTTP " + e.Status}). " +
                "The function app's identity needs Key Vault Crypto User on the vault (infra/bicep/modules/roles.bicep; new role " +
                "assignments take a few minutes), and the key version that wrapped the data key must stay enabled.",
                e);
        }
    }

    private TableEntity Entity(Uri kid, byte[] wrapped) => new(AdminStore.MetaPartition, Row)
    {
        ["KeyId"] = kid.AbsoluteUri,
        ["Algorithm"] = KeyVaultRestClient.WrapAlgorithm,
        ["WrappedKey"] = wrapped,
        ["CreatedAt"] = time.GetUtcNow(),
    };
}

using System.Text;
using Azure;
using Azure.Data.Tables;
using CloudWg.Functions.Admins;
using CloudWg.Functions.Auth;
using CloudWg.Functions.Hosting;
using Microsoft.Extensions.Options;

namespace CloudWg.Functions.Setup;

/// <summary>
/// The one-time setup token: its SHA-256 lives in the <c>admins</c> table (row <c>meta/setup</c>), the token itself
/// only in <c>&lt;state dir&gt;/setup-token</c> (0600) of the instance that made it — or, in Azure, in the Key Vault
/// secret the deployment wrote (<see cref="KeyVaultSetupToken"/>), which is then the token.
/// </summary>
public sealed partial class SetupTokenService(
    AdminStore admins, StateDirectory state, KeyVaultSetupToken vault, TimeProvider time, IOptions<AuthOptions> options, ILogger<SetupTokenService> logger)
{
    public const string FileName = "setup-token";
    private const string Row = "setup";
    private readonly string holder = $"{Environment.MachineName}:{state.Path}";
    private string? lastLogged;

    public string FilePath => Path.Combine(state.Path, FileName);

    /// <summary>Makes sure a valid token exists while there is no admin, regenerating an expired or lost one.</summary>
    public async Task EnsureTokenAsync(CancellationToken cancellationToken)
    {
        var table = await admins.TableAsync(cancellationToken);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(AdminStore.MetaPartition, Row, cancellationToken: cancellationToken);
        var now = time.GetUtcNow();
        var fromVault = await vault.ReadAsync(cancellationToken);
        if (fromVault is not null && row.HasValue && row.Value!.GetBoolean("Used") != true
            && row.Value.GetDateTimeOffset("ExpiresAt") is { } vaultExpires && vaultExpires > now && TokenHashing.HashEquals(row.Value.GetString("Hash") ?? "", fromVault))
        {
            LogOnce($"vault:{vaultExpires:O}", () => LogTokenInVault(logger, vault.SecretName!, vaultExpires));
            return;
        }

        if (fromVault is null && row.HasValue && row.Value!.GetBoolean("Used") != true && row.Value.GetDateTimeOffset("ExpiresAt") is { } expires && expires > now)
        {
            if (ReadLocal() is { } local && TokenHashing.HashEquals(row.Value.GetString("Hash") ?? "", local))
            {
                LogOnce($"file:{expires:O}", () => LogTokenFile(logger, FilePath, expires));
                return;
            }

            if (row.Value.GetString("Holder") != holder)
            {
                LogOnce($"elsewhere:{expires:O}", () => LogTokenElsewhere(logger, row.Value.GetString("Holder") ?? "another instance", expires));
                return;
            }
        }

        var token = fromVault ?? TokenHashing.NewSecret();
        var entity = new TableEntity(AdminStore.MetaPartition, Row)
        {
            ["Hash"] = TokenHashing.Hash(token),
            ["CreatedAt"] = now,
            ["ExpiresAt"] = now + options.Value.SetupTokenLifetime,
            ["Holder"] = fromVault is null ? holder : "key-vault",
            ["Used"] = false,
        };
        try
        {
            if (row.HasValue)
            {
                await table.UpdateEntityAsync(entity, row.Value!.ETag, TableUpdateMode.Replace, cancellationToken);
            }
            else
            {
                await table.AddEntityAsync(entity, cancellationToken);
            }
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            // Another instance made one at the same moment; the next round sees it.
            return;
        }

        var expiresAt = now + options.Value.SetupTokenLifetime;
        if (fromVault is not null)
        {
            LogOnce($"vault:{expiresAt:O}", () => LogTokenInVault(logger, vault.SecretName!, expiresAt));
            return;
        }

        state.WriteSecret(FileName, Encoding.UTF8.GetBytes(token + "\n"));
        LogOnce($"file:{expiresAt:O}", () => LogTokenFile(logger, FilePath, expiresAt));
    }

    /// <summary>
    /// Spends <paramref name="token"/> if it is the current, unexpired one: exactly one caller wins.
    /// Says whether it was accepted, wrong or expired, or already spent.
    /// </summary>
    public async Task<SetupTokenCheck> TryConsumeAsync(string token, CancellationToken cancellationToken)
    {
        var table = await admins.TableAsync(cancellationToken);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(AdminStore.MetaPartition, Row, cancellationToken: cancellationToken);
        if (!row.HasValue || row.Value!.GetDateTimeOffset("ExpiresAt") is not { } expires || expires <= time.GetUtcNow()
            || !TokenHashing.HashEquals(row.Value.GetString("Hash") ?? "", token))
        {
            return SetupTokenCheck.Invalid;
        }

        if (row.Value.GetBoolean("Used") == true)
        {
            return SetupTokenCheck.Used;
        }

        row.Value["Used"] = true;
        try
        {
            await table.UpdateEntityAsync(row.Value, row.Value.ETag, TableUpdateMode.Replace, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            return SetupTokenCheck.Used;
        }

        return SetupTokenCheck.Accepted;
    }

    /// <summary>Removes this instance's token file once setup is done.</summary>
    public void DeleteLocalFile()
    {
        if (File.Exists(FilePath))
        {
            File.Delete(FilePath);
            LogTokenRemoved(logger, FilePath);
        }
    }

    private string? ReadLocal()
    {
        try
        {
            return File.Exists(FilePath) ? File.ReadAllText(FilePath).Trim() : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private void LogOnce(string state, Action log)
    {
        if (lastLogged != state)
        {
            lastLogged = state;
            log();
        }
    }

    // The token itself is never logged: only where it is.
    [LoggerMessage(Level = LogLevel.Warning, Message = "No admin exists yet. The one-time setup token is in {Path} (valid until {ExpiresAt:u}); create the first owner with POST /api/setup")]
    private static partial void LogTokenFile(ILogger logger, string path, DateTimeOffset expiresAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No admin exists yet. The setup token was made by {Holder} and is in that instance's state directory (valid until {ExpiresAt:u})")]
    private static partial void LogTokenElsewhere(ILogger logger, string holder, DateTimeOffset expiresAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No admin exists yet. The one-time setup token is Key Vault secret {SecretName} (valid until {ExpiresAt:u}); create the first owner with POST /api/setup")]
    private static partial void LogTokenInVault(ILogger logger, string secretName, DateTimeOffset expiresAt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Setup is done; removed the setup token file {Path}")]
    private static partial void LogTokenRemoved(ILogger logger, string path);
}

using Azure;
using Azure.Data.Tables;
using CloudWg.Functions.Admins;
using Microsoft.Extensions.Options;

namespace CloudWg.Functions.Auth;

/// <summary>Sessions and MFA steps in the <c>sessions</c> table, keyed by the hash of their random token.</summary>
public sealed class SessionStore(AuthTables tables, TimeProvider time, IOptions<AuthOptions> options)
{
    public const string SessionRow = "session";
    public const string MfaRow = "mfa";
    private const string Table = "sessions";

    /// <summary>Starts a session; the returned token goes to the client once and only its hash is kept.</summary>
    public Task<string> CreateSessionAsync(AdminEntity admin, string clientAddress, CancellationToken cancellationToken) =>
        CreateAsync(SessionRow, admin, clientAddress, options.Value.SessionLifetime, cancellationToken);

    public Task<string> CreateMfaStepAsync(AdminEntity admin, string clientAddress, CancellationToken cancellationToken) =>
        CreateAsync(MfaRow, admin, clientAddress, options.Value.MfaStepLifetime, cancellationToken);

    /// <summary>The live row for <paramref name="token"/>, or null (unknown or past its absolute expiry, which also deletes it).</summary>
    public async Task<SessionEntity?> FindAsync(string kind, string token, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 200)
        {
            return null;
        }

        var table = await tables.GetAsync(Table, cancellationToken);
        var row = await table.GetEntityIfExistsAsync<SessionEntity>(TokenHashing.Hash(token), kind, cancellationToken: cancellationToken);
        if (!row.HasValue)
        {
            return null;
        }

        var session = row.Value!;
        if (time.GetUtcNow() >= session.ExpiresAt)
        {
            await DeleteAsync(session, cancellationToken);
            return null;
        }

        return session;
    }

    /// <summary>Slides the inactivity window, writing at most once per <see cref="AuthOptions.ActivityWriteInterval"/>.</summary>
    public async Task TouchAsync(SessionEntity session, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (now - session.LastSeenAt < options.Value.ActivityWriteInterval)
        {
            return;
        }

        session.LastSeenAt = now;
        var table = await tables.GetAsync(Table, cancellationToken);
        try
        {
            await table.UpdateEntityAsync(session, session.ETag, TableUpdateMode.Replace, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            // Another instance touched it (fine) or it was deleted (the next request will fail).
        }
    }

    public async Task DeleteAsync(SessionEntity session, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(Table, cancellationToken);
        try
        {
            await table.DeleteEntityAsync(session.PartitionKey, session.RowKey, ETag.All, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // Already gone.
        }
    }

    /// <summary>Deletes a row only if it is unchanged since it was read: true for exactly one of several concurrent callers.</summary>
    public async Task<bool> TryConsumeAsync(SessionEntity session, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(Table, cancellationToken);
        try
        {
            await table.DeleteEntityAsync(session.PartitionKey, session.RowKey, session.ETag, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            return false;
        }
    }

    /// <summary>
    /// Removes every session of an admin. Rotating the admin's security stamp already kills them; this only
    /// cleans up the rows.
    /// </summary>
    public async Task DeleteAllAsync(string adminId, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(Table, cancellationToken);
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"AdminId eq {adminId}"), select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
        {
            try
            {
                await table.DeleteEntityAsync(row.PartitionKey, row.RowKey, ETag.All, cancellationToken);
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                // Logged out concurrently.
            }
        }
    }

    private async Task<string> CreateAsync(string kind, AdminEntity admin, string clientAddress, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        var token = TokenHashing.NewSecret();
        var now = time.GetUtcNow();
        var table = await tables.GetAsync(Table, cancellationToken);
        await table.AddEntityAsync(new SessionEntity
        {
            PartitionKey = TokenHashing.Hash(token),
            RowKey = kind,
            AdminId = admin.Id,
            Stamp = admin.SecurityStamp,
            CreatedAt = now,
            LastSeenAt = now,
            ExpiresAt = now + lifetime,
            ClientAddress = clientAddress,
        }, cancellationToken);
        return token;
    }
}

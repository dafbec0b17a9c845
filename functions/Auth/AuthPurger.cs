using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace CloudWg.Functions.Auth;

/// <summary>
/// Deletes dead auth rows: sessions and MFA steps past their absolute or inactivity limit, expired API tokens,
/// rate-limit counters whose window has passed, and the nonces of node signatures too old to be replayed. Dead rows are already refused when presented; this only keeps
/// the tables small. Meant for a timer function (DESIGN §2.1 "purge expired sessions/tokens"); safe to run on
/// several instances at once.
/// </summary>
public sealed class AuthPurger(AuthTables tables, TimeProvider time, IOptions<AuthOptions> options)
{
    public async Task<AuthPurgeReport> PurgeAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var o = options.Value;
        var sessions = await DeleteWhereAsync(
            "sessions",
            TableClient.CreateQueryFilter($"ExpiresAt lt {now} or (RowKey eq {SessionStore.SessionRow} and LastSeenAt lt {now - o.SessionInactivity})"),
            cancellationToken);
        var tokens = await DeleteWhereAsync("tokens", TableClient.CreateQueryFilter($"ExpiresAt lt {now}"), cancellationToken);
        var rateLimits = await DeleteWhereAsync("ratelimits", TableClient.CreateQueryFilter($"LastFailureAt lt {now - o.AttemptWindow}"), cancellationToken);
        var nonces = await DeleteWhereAsync(Agent.NonceCache.Table, TableClient.CreateQueryFilter($"ExpiresAt lt {now}"), cancellationToken);
        return new AuthPurgeReport(sessions, tokens, rateLimits, nonces);
    }

    private async Task<int> DeleteWhereAsync(string name, string filter, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(name, cancellationToken);
        var deleted = 0;
        await foreach (var row in table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
        {
            try
            {
                await table.DeleteEntityAsync(row.PartitionKey, row.RowKey, ETag.All, cancellationToken);
                deleted++;
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                // Another instance purged it first.
            }
        }

        return deleted;
    }
}

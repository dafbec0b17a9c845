using System.Globalization;
using Azure;
using Azure.Data.Tables;
using CloudWg.Functions.Auth;
using Microsoft.Extensions.Options;

namespace CloudWg.Functions.RateLimiting;

/// <summary>
/// Failure counters shared by every instance: a sliding log of the last failures per key in the
/// <c>ratelimits</c> table, updated with ETag compare-and-swap so concurrent instances never lose a count.
/// A key is blocked while it has <see cref="AuthOptions.MaxFailedAttempts"/> failures within
/// <see cref="AuthOptions.AttemptWindow"/>.
/// </summary>
public sealed class TableRateLimiter(AuthTables tables, TimeProvider time, IOptions<AuthOptions> options)
{
    private const string Table = "ratelimits";
    private const int MaxCasAttempts = 20;

    /// <summary>How long <paramref name="key"/> is still blocked, or null when an attempt is allowed.</summary>
    public async Task<TimeSpan?> RetryAfterAsync(string key, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(Table, cancellationToken);
        var entity = await table.GetEntityIfExistsAsync<TableEntity>(PartitionFor(key), "", cancellationToken: cancellationToken);
        return entity.HasValue ? RetryAfter(Recent(entity.Value!)) : null;
    }

    /// <summary>The longest block among <paramref name="keys"/>, or null when none is blocked.</summary>
    public async Task<TimeSpan?> RetryAfterAsync(IEnumerable<string> keys, CancellationToken cancellationToken)
    {
        TimeSpan? longest = null;
        foreach (var key in keys)
        {
            if (await RetryAfterAsync(key, cancellationToken) is { } wait && (longest is null || wait > longest))
            {
                longest = wait;
            }
        }

        return longest;
    }

    public async Task RecordFailureAsync(string key, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(Table, cancellationToken);
        var partition = PartitionFor(key);
        for (var attempt = 0; attempt < MaxCasAttempts; attempt++)
        {
            var existing = await table.GetEntityIfExistsAsync<TableEntity>(partition, "", cancellationToken: cancellationToken);
            var failures = existing.HasValue ? Recent(existing.Value!) : [];
            failures.Add(time.GetUtcNow().ToUnixTimeMilliseconds());
            var keep = failures.TakeLast(options.Value.MaxFailedAttempts).ToList();
            var entity = new TableEntity(partition, "") { ["Failures"] = string.Join(',', keep), ["LastFailureAt"] = time.GetUtcNow() };
            try
            {
                if (existing.HasValue)
                {
                    await table.UpdateEntityAsync(entity, existing.Value!.ETag, TableUpdateMode.Replace, cancellationToken);
                }
                else
                {
                    await table.AddEntityAsync(entity, cancellationToken);
                }

                return;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                // Another instance counted a failure at the same moment: read again and add ours on top.
            }
        }

        throw new InvalidOperationException($"Could not record a failed attempt after {MaxCasAttempts} concurrent updates.");
    }

    /// <summary>Forgets the failures of <paramref name="key"/> (after a successful login for the account).</summary>
    public async Task ResetAsync(string key, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(Table, cancellationToken);
        try
        {
            await table.DeleteEntityAsync(PartitionFor(key), "", ETag.All, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // Nothing to forget.
        }
    }

    private List<long> Recent(TableEntity entity)
    {
        var since = (time.GetUtcNow() - options.Value.AttemptWindow).ToUnixTimeMilliseconds();
        return (entity.GetString("Failures") ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(s => long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0)
            .Where(v => v > since)
            .Order()
            .ToList();
    }

    private TimeSpan? RetryAfter(List<long> recent)
    {
        var max = options.Value.MaxFailedAttempts;
        if (recent.Count < max)
        {
            return null;
        }

        // Unblocked once the oldest of the last `max` failures leaves the window.
        var freeAt = DateTimeOffset.FromUnixTimeMilliseconds(recent[^max]) + options.Value.AttemptWindow;
        var wait = freeAt - time.GetUtcNow();
        return wait > TimeSpan.Zero ? wait : null;
    }

    // Keys hold usernames and addresses, which may contain characters table keys forbid.
    private static string PartitionFor(string key) => TokenHashing.Hash(key);
}

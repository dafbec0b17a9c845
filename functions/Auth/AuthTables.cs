using System.Collections.Concurrent;
using Azure.Data.Tables;
using CloudWg.Functions.Storage;

namespace CloudWg.Functions.Auth;

/// <summary>
/// Table clients for the auth stores. The first use of each table makes sure it exists, so a request that
/// arrives before <see cref="StorageInitializer"/> has finished does not fail.
/// </summary>
public sealed class AuthTables(StorageClients storage)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<TableClient>>> tables = new();

    public Task<TableClient> GetAsync(string name, CancellationToken cancellationToken)
    {
        var lazy = tables.GetOrAdd(name, n => new Lazy<Task<TableClient>>(() => CreateAsync(n)));
        var task = lazy.Value;
        if (task.IsFaulted || task.IsCanceled)
        {
            // Storage was down: forget the failure so the next request tries again.
            tables.TryUpdate(name, new Lazy<Task<TableClient>>(() => CreateAsync(name)), lazy);
        }

        return task.WaitAsync(cancellationToken);
    }

    private async Task<TableClient> CreateAsync(string name)
    {
        var table = storage.Table(name);
        await table.CreateIfNotExistsAsync();
        return table;
    }
}

using Azure;
using Azure.Data.Tables;
using CloudWg.Functions.Auth;

namespace CloudWg.Functions.Agent;

/// <summary>
/// The nonces of accepted node signatures, in the <c>nonces</c> table (partition = node id), so that a signed
/// request replayed to any instance is refused: the insert is the check. Rows carry <c>ExpiresAt</c> (after which a
/// signature with that nonce is stale anyway) and are purged by <see cref="AuthPurger"/>.
/// </summary>
public sealed class NonceCache(AuthTables tables)
{
    public const string Table = "nonces";

    /// <summary>Records the nonce; false when it was seen before (a replay).</summary>
    public async Task<bool> TryUseAsync(string nodeId, string nonce, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(Table, cancellationToken).ConfigureAwait(false);
        try
        {
            await table.AddEntityAsync(new TableEntity(nodeId, nonce) { ["ExpiresAt"] = expiresAt }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }
}

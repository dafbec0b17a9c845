using Azure.Data.Tables;

namespace CloudWg.Functions.Nodes;

/// <summary>Deletes every row of one partition, in transactions of up to 100 rows.</summary>
internal static class PartitionCleaner
{
    public static async Task DeleteAllAsync(TableClient table, string partition, CancellationToken cancellationToken)
    {
        var batch = new List<TableTransactionAction>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition}");
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
        {
            batch.Add(new TableTransactionAction(TableTransactionActionType.Delete, entity, Azure.ETag.All));
            if (batch.Count == 100)
            {
                await table.SubmitTransactionAsync(batch, cancellationToken);
                batch.Clear();
            }
        }

        if (batch.Count > 0)
        {
            await table.SubmitTransactionAsync(batch, cancellationToken);
        }
    }
}
